import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinProxy {
  url: string;
  /** Requests each backend answered, by backend URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A minimal HTTP load balancer: each request (not each connection) goes to the next backend,
 * so one client's consecutive calls land on different Flotilla processes.
 */
export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = new Map(backends.map((b) => [b, 0]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const server = http.createServer((req, res) => {
    const backend = backends[next++ % backends.length]!;
    const target = new URL(backend);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
      (answer) => {
        served.set(backend, (served.get(backend) ?? 0) + 1);
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-backend": backend });
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end('{"error":{"code":"internal","message":"backend unreachable"}}');
      else res.destroy();
    });
    req.on("error", () => upstream.destroy());
    req.pipe(upstream);
  });
  // Longer than any client's idle reuse: a socket closed just as a request is sent is a reset.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
