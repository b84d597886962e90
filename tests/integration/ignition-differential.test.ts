// Differential test: Flotilla's Ignition validator against the real
// ignition-validate (Debian bookworm package `ignition`, v2.14) on every config
// in tests/ignition-corpus. They must agree on valid/invalid, on the error
// paths (with line, column and message), and on the warnings.
//
// CI installs the oracle. Without it this test fails, unless
// FLOTILLA_SKIP_IGNITION_ORACLE=1 is set; the Flotilla-only assertions
// (each file's expected verdict, the deliberate differences) still run.

import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { validateIgnition, type IgnitionIssue } from "../../lib/ignition/validate";

// FLOTILLA_IGNITION_VALIDATE points at another build of the oracle (or a missing one, to see the failure).
const ORACLE = process.env.FLOTILLA_IGNITION_VALIDATE ?? "/usr/bin/ignition-validate";
const ORACLE_CONCURRENCY = 2;
const CORPUS_DIR = fileURLToPath(new URL("../ignition-corpus/", import.meta.url));
const oraclePresent = existsSync(ORACLE);
const skipOracle = process.env.FLOTILLA_SKIP_IGNITION_ORACLE === "1";

const files = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith(".ign"))
  .sort();

/**
 * Where Flotilla is deliberately stricter than ignition-validate 2.14, the
 * oracle's answer is not the reference; these entries state Flotilla's.
 */
const STRICTER: Record<string, { errorPaths: string[]; why: string }> = {
  // Upstream Ignition (after 2.14) rejects a storage node written over a unit
  // or drop-in that Ignition writes itself, for every 3.x spec.
  ...Object.fromEntries(
    ["3.0.0", "3.1.0", "3.2.0", "3.3.0"].map((v) => [
      `${v}--invalid--systemd-path-conflict.ign`,
      { errorPaths: ["$.storage.files.0.path", "$.storage.directories.0.path"], why: "systemd unit path conflict is newer than 2.14" },
    ]),
  ),
  // 2.14 only knows 3.4.0 as 3.4.0-experimental; Flotilla supports the stable
  // 3.4.0 (and later) and, like current Ignition, no longer accepts it.
  "3.4.0-experimental--invalid--minimal.ign": { errorPaths: ["$.ignition.version"], why: "3.4.0-experimental superseded by 3.4.0" },
  "3.4.0-experimental--invalid--arn-source.ign": { errorPaths: ["$.ignition.version"], why: "3.4.0-experimental superseded by 3.4.0" },
};

/** Specs newer than the oracle: 2.14 rejects them as unsupported; Flotilla's answer is asserted here. */
const NEWER_SPEC: Record<string, { errorPaths: string[]; warningPaths: string[] }> = {
  "3.4.0--valid--minimal.ign": { errorPaths: [], warningPaths: [] },
  "3.5.0--valid--minimal.ign": { errorPaths: [], warningPaths: [] },
  "3.6.0--valid--minimal.ign": { errorPaths: [], warningPaths: [] },
  "3.7.0-experimental--valid--minimal.ign": { errorPaths: [], warningPaths: [] },
  "3.4.0--valid--luks-discard-open-options-advertisement.ign": { errorPaths: [], warningPaths: [] },
  "3.5.0--valid--luks-discard-open-options-advertisement.ign": { errorPaths: [], warningPaths: [] },
  "3.6.0--valid--luks-discard-open-options-advertisement.ign": { errorPaths: [], warningPaths: [] },
  "3.4.0--invalid--tang-advertisement-not-json.ign": { errorPaths: ["$.storage.luks.0.clevis.tang.0.advertisement"], warningPaths: [] },
  "3.4.0--invalid--arn-not-s3.ign": { errorPaths: ["$.storage.files.0.contents.source"], warningPaths: [] },
  "3.4.0--valid--hard-link-owner-and-fs-warnings.ign": {
    errorPaths: [],
    warningPaths: ["$.storage.links.0.user.id", "$.storage.filesystems.0.device", "$.storage.filesystems.1.device"],
  },
  "3.5.0--valid--cex.ign": { errorPaths: [], warningPaths: [] },
  "3.6.0--valid--cex.ign": { errorPaths: [], warningPaths: [] },
  "3.5.0--invalid--cex-with-clevis.ign": { errorPaths: ["$.storage.luks.0.cex"], warningPaths: [] },
  "3.5.0--valid--special-mode-bits.ign": { errorPaths: [], warningPaths: ["$.storage.files.0.mode"] },
  "3.6.0--valid--special-mode-bits.ign": { errorPaths: [], warningPaths: [] },
};

interface Normalized {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
}

const VERSION_MESSAGES = ["unsupported config version", "invalid config version (couldn't parse)"];
const TYPE_ERROR = /^json: cannot unmarshal .* into Go (?:struct field [^.]*\.(\S+)|value) of type/;

/** Message differences that are intended: Flotilla names the spec that honours special mode bits. */
function normalizeMessage(message: string): string {
  return message.replace(/in spec versions older than 3\.\d\.0$/, "in spec versions older than <N>");
}

/** A comparable key for an issue: positioned path for rule issues, a class for JSON-level ones. */
function issueKey(path: string | undefined, line: number, column: number, message: string): string {
  const type = TYPE_ERROR.exec(message);
  if (type !== null) return `type error at ${type[1] ?? "<root>"}`;
  if (VERSION_MESSAGES.includes(message) || message === "not a config (empty)") return message;
  if (path === undefined || (path === "$" && (message.startsWith("invalid character") || message === "unexpected end of JSON input"))) {
    return "json syntax error";
  }
  return `${path} line ${line} col ${column}: ${normalizeMessage(message)}`;
}

function normalizeFlotilla(text: string): Normalized {
  const r = validateIgnition(text);
  const keys = (issues: IgnitionIssue[]): string[] => issues.map((i) => issueKey(i.path, i.line, i.column, i.message));
  let errors = keys(r.errors);
  // Ignition stops at the first wrong JSON type; Flotilla lists them all.
  const firstType = errors.find((k) => k.startsWith("type error"));
  if (firstType !== undefined) errors = errors.filter((k) => !k.startsWith("type error") || k === firstType);
  return { valid: r.valid, errors: [...new Set(errors)].sort(), warnings: [...new Set(keys(r.warnings))].sort() };
}

interface OracleRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runOracle(file: string): Promise<OracleRun> {
  return new Promise((resolve) => {
    execFile(ORACLE, [file], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function normalizeOracle(run: OracleRun): Normalized {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const line of run.stdout.split("\n")) {
    const m = /^(error|warning) at (?:(\$.*?), )?line (\d+) col (\d+): (.*)$/.exec(line);
    if (m === null) continue;
    const [, severity, path, l, c, message] = m;
    const key = issueKey(path, Number(l), Number(c), message ?? "");
    (severity === "error" ? errors : warnings).push(key);
  }
  for (const line of run.stderr.split("\n")) {
    const m = /^couldn't parse config: (.*)$/.exec(line);
    if (m?.[1] !== undefined && !errors.includes(m[1])) errors.push(m[1]);
  }
  return { valid: run.code === 0, errors: [...new Set(errors)].sort(), warnings: [...new Set(warnings)].sort() };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item !== undefined) out[i] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const read = (f: string): string => readFileSync(join(CORPUS_DIR, f), "utf8");
const expectedKind = (f: string): "valid" | "invalid" => (f.split("--")[1] === "valid" ? "valid" : "invalid");

describe("Ignition corpus", () => {
  it("has at least 120 configs for specs 3.0-3.3, valid and invalid", () => {
    const old = files.filter((f) => /^3\.[0-3]\.0--/.test(f));
    expect(old.length).toBeGreaterThanOrEqual(120);
    expect(old.some((f) => expectedKind(f) === "valid")).toBe(true);
    expect(old.some((f) => expectedKind(f) === "invalid")).toBe(true);
  });

  it.each(files)("Flotilla's verdict on %s matches its name", (f) => {
    expect(validateIgnition(read(f)).valid).toBe(expectedKind(f) === "valid");
  });

  it.each(Object.entries(STRICTER))("Flotilla is stricter than 2.14 on %s", (f, expected) => {
    const r = validateIgnition(read(f));
    expect(r.valid, expected.why).toBe(false);
    expect([...new Set(r.errors.map((e) => e.path))].sort()).toEqual([...expected.errorPaths].sort());
  });

  it.each(Object.entries(NEWER_SPEC))("Flotilla validates newer spec %s", (f, expected) => {
    const r = validateIgnition(read(f));
    expect(r.errors.map((e) => e.path).sort()).toEqual([...expected.errorPaths].sort());
    expect(r.warnings.map((e) => e.path).sort()).toEqual([...expected.warningPaths].sort());
  });

  it("lists only corpus files as deliberate differences", () => {
    for (const f of [...Object.keys(STRICTER), ...Object.keys(NEWER_SPEC)]) expect(files).toContain(f);
  });
});

describe.skipIf(skipOracle)("Flotilla agrees with ignition-validate 2.14", () => {
  const oracle = new Map<string, Normalized>();

  beforeAll(async () => {
    if (!oraclePresent) return;
    const runs = await mapLimit(files, ORACLE_CONCURRENCY, (f) => runOracle(join(CORPUS_DIR, f)));
    files.forEach((f, i) => {
      const run = runs[i];
      if (run !== undefined) oracle.set(f, normalizeOracle(run));
    });
  }, 300_000);

  it("has the oracle installed", () => {
    expect(
      oraclePresent,
      `${ORACLE} is missing: install it with \`apt-get install -y ignition\`, or set FLOTILLA_SKIP_IGNITION_ORACLE=1 to skip the differential test`,
    ).toBe(true);
  });

  const compared = files.filter((f) => !(f in STRICTER) && !(f in NEWER_SPEC));

  const withOracle = it.skipIf(!oraclePresent);

  withOracle.each(compared)("%s", (f) => {
    const theirs = oracle.get(f);
    expect(theirs, "oracle result").toBeDefined();
    const ours = normalizeFlotilla(read(f));
    expect(ours).toEqual(theirs);
  });

  withOracle.each(Object.keys(STRICTER))("oracle 2.14 accepts %s (Flotilla is stricter)", (f) => {
    expect(oracle.get(f)?.valid).toBe(true);
  });

  withOracle.each(Object.keys(NEWER_SPEC))("oracle 2.14 does not know the spec of %s", (f) => {
    expect(oracle.get(f)?.errors).toEqual(["unsupported config version"]);
  });
});
