import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";

/**
 * Node flags the Flotilla server runs with (package.json `start` says the same). A 64 MB young
 * generation: the agent endpoints allocate a little per request at thousands a second, and with
 * the default semi-space the scavenger took 20 % of the server's CPU (8 % with this).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];

/** A port nobody listens on right now (the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** Last lines the child wrote, shown when it fails. */
  output(): string;
  /** User + system CPU seconds the child has used so far (Linux /proc), if readable. */
  cpuSeconds(): number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  readonly exited: boolean;
}

const OUTPUT_LIMIT = 16 * 1024;

export function spawnServer(opts: { name: string; cwd: string; nodeArgs: string[]; env: NodeJS.ProcessEnv; port: number }): ServerProcess {
  const child: ChildProcess = spawn(process.execPath, opts.nodeArgs, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${opts.name}: could not start ${process.execPath}`);
  return {
    name: opts.name,
    pid,
    url: `http://127.0.0.1:${opts.port}`,
    output: () => output,
    cpuSeconds: () => procCpuSeconds(pid),
    get exited() {
      return exitCode !== undefined;
    },
    async stop(graceMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * CPU seconds of every process named `postgres` on this machine (server, backends, WAL
 * writer): what the database costs per report when it runs locally. Includes other users
 * of the same server, so it is only meaningful on an otherwise idle machine.
 */
export function postgresCpuSeconds(): number | undefined {
  let total = 0;
  let found = false;
  for (const entry of fs.readdirSync("/proc", { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry.name}/comm`, "utf8").trim() !== "postgres") continue;
    } catch {
      continue;
    }
    const cpu = procCpuSeconds(Number(entry.name));
    if (cpu !== undefined) {
      total += cpu;
      found = true;
    }
  }
  return found ? total : undefined;
}

function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    // USER_HZ is 100 on every Linux this runs on.
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** GET a text resource (e.g. /metrics); undefined on any failure. */
export function getText(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString("utf8") : undefined));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(undefined));
  });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
  });
}

/** Polls GET /healthz until 200; fails early with the child's output if it exits. */
export async function waitHealthy(server: ServerProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exited) throw new Error(`${server.name} exited before it was healthy:\n${server.output()}`);
    if ((await getStatus(`${server.url}/healthz`)) === 200) return;
    if (Date.now() > deadline) throw new Error(`${server.name} not healthy after ${timeoutMs / 1000} s:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
