import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE, holderAlive, lockDataDir, type LockHolder } from "./data-dir-lock";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-lock-unit-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function holderFor(pid: number, patch: Partial<LockHolder> = {}): LockHolder {
  const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "utf8");
  return {
    pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    procStart: stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null,
    bootId: fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim(),
    pidNamespace: fs.readlinkSync("/proc/self/ns/pid"),
    ...patch,
  };
}

describe.runIf(process.platform === "linux")("data directory lock", () => {
  it("refuses a second lock in the same process and frees the directory on release", () => {
    const d = path.join(dir, "a");
    const lock = lockDataDir(d);
    expect(() => lockDataDir(d)).toThrow(DataDirLockedError);
    lock.release();
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false);
    lockDataDir(d).release();
  });

  it("judges holders: alive, dead, a reused pid, another boot", () => {
    const file = path.join(dir, "probe");
    fs.writeFileSync(file, "");
    const me = holderFor(process.pid);
    expect(holderAlive({ ...me, pid: process.ppid, procStart: null }, file)).toBe(true);
    // A pid that has exited.
    const gone = spawnSync("true").pid!;
    expect(holderAlive(holderFor(gone), file)).toBe(false);
    // The pid is alive but is another process than the one that wrote the lock.
    expect(holderAlive(holderFor(process.ppid, { procStart: "1" }), file)).toBe(false);
    // Our own pid from a previous life (a container's pid 1 restarted).
    expect(holderAlive(holderFor(process.pid, { procStart: "1" }), file)).toBe(false);
    // Written before a reboot of this host.
    expect(holderAlive(holderFor(process.ppid, { bootId: "another-boot" }), file)).toBe(false);
    // Another host: only its heartbeat tells.
    expect(holderAlive(holderFor(process.ppid, { bootId: "x", host: "elsewhere" }), file)).toBe(true);
    const old = new Date(Date.now() - 600_000);
    fs.utimesSync(file, old, old);
    expect(holderAlive(holderFor(process.ppid, { bootId: "x", host: "elsewhere" }), file)).toBe(false);
  });

  it("takes over a stale lock file", () => {
    const d = path.join(dir, "b");
    fs.mkdirSync(d);
    const gone = spawnSync("true").pid!;
    fs.writeFileSync(path.join(d, LOCK_FILE), JSON.stringify(holderFor(gone)));
    const lock = lockDataDir(d);
    expect(JSON.parse(fs.readFileSync(path.join(d, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});
