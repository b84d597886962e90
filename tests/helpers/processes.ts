import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (its JSON log). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `server/main.ts --no-ui` as its own OS process and waits until it listens. */
export function spawnAgentServer(env: Record<string, string>): Promise<ServerProcess> {
  return spawnServerScript(["server/main.ts", "--no-ui"], env);
}

/**
 * Starts a server process that also answers the operator API from its route modules
 * (tests/helpers/operator-server-main.ts), without needing a production build of the UI.
 */
export function spawnOperatorServer(env: Record<string, string>): Promise<ServerProcess> {
  return spawnServerScript(["tests/helpers/operator-server-main.ts"], env);
}

function spawnServerScript(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    // Readiness is the "Flotilla listening" info line; a child that never prints it is killed,
    // not left running.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start (LOG_LEVEL must be info or lower):\n${out}`));
    }, 150_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"Flotilla listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}
