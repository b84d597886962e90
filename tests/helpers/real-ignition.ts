import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile, readFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's package `ignition` ships the real binary here (protocols.md §5); CI installs it. */
export const IGNITION_BIN = process.env.IGNITION_BIN ?? "/usr/lib/dracut/modules.d/30ignition/ignition";
export const realIgnitionMissing: string | null = existsSync(IGNITION_BIN) ? null : `real Ignition not installed at ${IGNITION_BIN} (apt-get install ignition)`;

export interface FetchRun {
  code: number | null;
  log: string;
  /** The merged config Ignition cached, when the fetch stage succeeded. */
  cached: string | null;
}

/**
 * Runs the real Ignition fetch stage, unprivileged, on a base config that merges `source`
 * with `verification.hash` — exactly what a host does with a merge source. `httpTotal` bounds
 * the run: Ignition retries a 5xx until that timeout (and forever without it, in the initramfs).
 */
export async function runIgnitionFetch(source: string, hash: string | null, opts: { httpTotal?: number } = {}): Promise<FetchRun> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-ign-"));
  try {
    await mkdir(join(dir, "run"));
    const merge: Record<string, unknown> = { source };
    if (hash) merge.verification = { hash };
    const base = { ignition: { version: "3.3.0", config: { merge: [merge] }, timeouts: { httpTotal: opts.httpTotal ?? 4 } } };
    await writeFile(join(dir, "base.ign"), JSON.stringify(base));
    const args = ["-platform", "file", "-stage", "fetch", "-log-to-stdout", "-config-cache", "./run/ignition.json", "-state-file", "./run/state", "-neednet", "./run/neednet"];
    const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve) => {
      execFile(IGNITION_BIN, args, { cwd: dir, env: { ...process.env, IGNITION_CONFIG_FILE: "base.ign" }, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, log: `${stdout}${stderr}` });
      });
    });
    const cached = existsSync(join(dir, "run/ignition.json")) ? await readFile(join(dir, "run/ignition.json"), "utf8") : null;
    return { code, log, cached };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
