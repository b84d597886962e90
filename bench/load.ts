import autocannon from "autocannon";
import type { RequestGenerator } from "./scenarios";

export interface LoadOptions {
  durationSeconds: number;
  connections: number;
}

/** Drives `url` with autocannon from this process; every request comes from the generator. */
export function runLoad(url: string, next: RequestGenerator, opts: LoadOptions): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: opts.connections,
    pipelining: 1,
    duration: opts.durationSeconds,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => {
          const r = next();
          return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
        },
      },
    ],
  });
}
