import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * One process per PGlite data directory. Two PGlite instances on one directory each run their
 * own Postgres over the same files: both acknowledge writes, and afterwards the directory never
 * opens again ("could not locate a valid checkpoint record"). So whoever opens a directory first
 * holds `flotilla.lock` in it for its whole life.
 *
 * Why a pid file and not an mtime lock (proper-lockfile): PGlite runs Postgres on the event loop,
 * so a long statement (a seed, a migration) can stall a heartbeat for minutes and an mtime lock
 * would call a live holder stale. Instead the file names its holder exactly — pid, the kernel's
 * start time of that pid, the boot id and the pid namespace — and a contender on the same
 * kernel and pid namespace checks that process: alive with the same start time means held; gone
 * (kill -9, crash, reboot) means stale and taken over. Only a holder the contender cannot
 * inspect (another host on a shared filesystem, another container's pid namespace) falls back
 * to the file's mtime, which the holder touches every 10 s.
 */
export const LOCK_FILE = "flotilla.lock";
const HEARTBEAT_MS = 10_000;
/** How old an uninspectable holder's heartbeat must be before it counts as gone. */
const FOREIGN_STALE_MS = 120_000;

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** /proc/<pid>/stat start time (clock ticks since boot); null off Linux. */
  procStart: string | null;
  bootId: string | null;
  pidNamespace: string | null;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `the data directory ${dataDir} is in use by another Flotilla process (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}). ` +
            `Stop that process first; two processes on one PGlite directory destroy it. ` +
            `If it is certainly gone, delete ${path.join(dataDir, LOCK_FILE)}.`
        : `the data directory ${dataDir} is being locked by another process right now; try again.`,
    );
    this.name = "DataDirLockedError";
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), or null. */
function procStartOf(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) may hold spaces and parentheses; fields after it are plain.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

function pidNamespace(): string | null {
  try {
    return fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return null;
  }
}

function self(): LockHolder {
  return {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    procStart: procStartOf(process.pid),
    bootId: readText("/proc/sys/kernel/random/boot_id"),
    pidNamespace: pidNamespace(),
  };
}

function parseHolder(text: string | null): LockHolder | null {
  if (!text) return null;
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid !== "number" || typeof h.host !== "string" || typeof h.startedAt !== "string") return null;
    return { pid: h.pid, host: h.host, startedAt: h.startedAt, procStart: h.procStart ?? null, bootId: h.bootId ?? null, pidNamespace: h.pidNamespace ?? null };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the process named in a lock file still holds it. */
export function holderAlive(holder: LockHolder, file: string, me: LockHolder = self()): boolean {
  const sameKernel = holder.bootId !== null && holder.bootId === me.bootId;
  if (sameKernel && holder.pidNamespace === me.pidNamespace) {
    // Our own pid in an old file is a previous life (a container's pid 1 restarted).
    if (holder.pid === me.pid && holder.procStart !== me.procStart) return false;
    if (!alive(holder.pid)) return false;
    return holder.procStart === null || procStartOf(holder.pid) === holder.procStart;
  }
  // The same host after a reboot: nothing from before the boot is running.
  if (holder.host === me.host && holder.bootId !== null && me.bootId !== null && holder.bootId !== me.bootId) return false;
  if (holder.bootId === null && me.bootId === null && holder.host === me.host) return alive(holder.pid);
  // Cannot inspect the holder: trust its heartbeat.
  try {
    return Date.now() - fs.statSync(file).mtimeMs < FOREIGN_STALE_MS;
  } catch {
    return false;
  }
}

export interface DataDirLock {
  release(): void;
}

const held = new Map<string, DataDirLock>();

/**
 * Takes the directory's lock or throws DataDirLockedError naming the holder. The lock is
 * released by `release()` and, failing that, at process exit; a process killed outright leaves a
 * file that the next opener recognises as stale.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  if (held.has(file)) throw new DataDirLockedError(dir, parseHolder(readText(file)));
  const me = self();
  const content = JSON.stringify(me);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, content + "\n", { flag: "wx", mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const text = readText(file);
      const holder = parseHolder(text);
      // A file being written this instant (or empty after a crash mid-write) reads as null;
      // give a writer a moment before judging it.
      if (!holder && fileAgeMs(file) < 2_000) continue;
      if (holder && holderAlive(holder, file, me)) throw new DataDirLockedError(dir, holder);
      takeOverStale(file, text);
      continue;
    }
    return register(file, content);
  }
  throw new DataDirLockedError(dir, parseHolder(readText(file)));
}

function fileAgeMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Moves a stale lock aside. Two contenders may both judge the same file stale; rename is atomic,
 * so one moves it and the other finds nothing (or a fresh lock it must not remove: then it puts
 * that one back).
 */
function takeOverStale(file: string, staleText: string | null): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return;
  }
  if (readText(aside) !== staleText) {
    // Someone took over between our read and our rename: that lock is live, restore it.
    try {
      fs.linkSync(aside, file);
    } catch {
      /* a third writer got there; its lock stands */
    }
  }
  fs.rmSync(aside, { force: true });
}

function register(file: string, content: string): DataDirLock {
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(file, now, now);
    } catch {
      /* the directory is gone or read-only: nothing to keep fresh */
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const onExit = () => lock.release();
  const lock: DataDirLock = {
    release() {
      if (held.get(file) !== lock) return;
      held.delete(file);
      clearInterval(heartbeat);
      process.off("exit", onExit);
      // Remove it only while it is still ours.
      if (readText(file) === content) fs.rmSync(file, { force: true });
    },
  };
  held.set(file, lock);
  process.on("exit", onExit);
  return lock;
}
