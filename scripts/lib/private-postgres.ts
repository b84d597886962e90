// A throwaway PostgreSQL cluster (initdb + pg_ctl) in a temp dir on a free port, so a test can
// stop and start a real server without touching the shared one on 5432.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../bench/processes";

const run = promisify(execFile);

/** Where initdb/pg_ctl live: PATH, /usr/local/bin, or Debian's versioned directory. */
function findBinDir(): string | null {
  const candidates = [...(process.env.PATH ?? "").split(":"), "/usr/local/bin"];
  try {
    for (const v of fs.readdirSync("/usr/lib/postgresql").sort().reverse()) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // not Debian's layout
  }
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"))) return dir;
  }
  return null;
}

const binDir = findBinDir();
const isRoot = process.getuid?.() === 0;

/** The uid/gid to run postgres as when we are root (it refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | null {
  if (!isRoot) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** Whether a private cluster can be started here (initdb found; as root, a `postgres` user exists). */
export function privatePostgresAvailable(): boolean {
  return binDir !== null && (!isRoot || (postgresUser() !== null && fs.existsSync("/usr/sbin/runuser")));
}

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  start(): Promise<void>;
  /** `fast`: connections are terminated and the server shuts down cleanly; `immediate`: like a crash. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Stops the server if running and removes its directory. */
  destroy(): Promise<void>;
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  if (!binDir) throw new Error("initdb/pg_ctl not found");
  const user = postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "postgres.log");
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const port = await freePort();
  const as = (cmd: string, args: string[]) => (user ? run("/usr/sbin/runuser", ["-u", "postgres", "--", path.join(binDir, cmd), ...args]) : run(path.join(binDir, cmd), args));
  try {
    await as("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Socket in the temp dir, TCP on 127.0.0.1 only; fsync off: this cluster is thrown away.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  let running = false;
  const pg: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await as("pg_ctl", ["-D", data, "-o", options, "-l", log, "-w", "-t", "30", "start"]);
      running = true;
    },
    async stop(mode = "fast") {
      await as("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "30", "stop"]);
      running = false;
    },
    async destroy() {
      if (running) await pg.stop("immediate").catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg.start();
  } catch (err) {
    const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").slice(-2000) : "";
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`private postgres did not start: ${err instanceof Error ? err.message : String(err)}\n${tail}`);
  }
  return pg;
}
