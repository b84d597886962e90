import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "@/db/data-dir-lock";
import { spawnAgentServer, type ServerProcess } from "../helpers/processes";

const TOKEN = "data-dir-lock-enrollment-token-01";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-lock-"));
const dataDir = path.join(dir, "data");
const env = { FLOTILLA_DATA_DIR: dataDir, FLOTILLA_ENROLLMENT_TOKEN: TOKEN };

/** Runs a script to its end and returns its exit code and output. */
function run(args: string[], extra: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: process.cwd(), env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ...extra }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

async function report(url: string, i: number): Promise<number> {
  const res = await fetch(`${url}/v1/agent/report`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ machineId: (0xd1000 + i).toString(16).padStart(32, "0"), os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle" }),
  });
  await res.arrayBuffer();
  return res.status;
}

// Real processes on one PGlite directory: the second must refuse, a kill -9 must not block.
describe("one process per PGlite data directory", () => {
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    // A process killed by a signal has no exit code; stop() would wait for it forever.
    await Promise.all(procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null).map((p) => p.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a second server and a seed refuse to start, naming the holder; a stale lock after kill -9 does not block", { timeout: 180_000 }, async () => {
    const first = await spawnAgentServer(env);
    procs.push(first);
    expect(await report(first.url, 1)).toBe(200);

    const second = await run(["server/main.ts", "--no-ui"], env);
    expect(second.code).toBe(1);
    expect(second.out).toContain(`in use by another Flotilla process (pid ${first.child.pid} on ${os.hostname()}, started `);
    expect(second.out).not.toContain("Flotilla listening");

    const seed = await run(["scripts/seed.ts", "--hosts", "10"], env);
    expect(seed.code).not.toBe(0);
    expect(seed.out).toContain(`pid ${first.child.pid}`);

    // The first process still serves after both were turned away.
    expect(await report(first.url, 2)).toBe(200);

    // kill -9 leaves the lock file behind; the next start recognises it as stale.
    await new Promise<void>((done) => {
      first.child.once("exit", () => done());
      first.child.kill("SIGKILL");
    });
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    const third = await spawnAgentServer(env);
    procs.push(third);
    expect(await report(third.url, 3)).toBe(200);
    const health = await fetch(`${third.url}/healthz`);
    expect(health.status).toBe(200);
    await third.stop();
    // A clean stop removes the lock.
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
