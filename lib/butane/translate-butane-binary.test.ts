// Differential test against the real Butane (coreos/butane, Go), when a binary is at hand:
// BUTANE_BIN=/path/to/butane, or `butane` on PATH. Build it offline from its vendored sources
// (`GOFLAGS=-mod=vendor go build -o butane ./internal/main.go`; Debian's Go 1.19 builds commit
// 6a0e763c, Butane's last release line before it required Go 1.20 — base/util/url.go, which
// decides compression, is unchanged from there to today's main). Without one the test is skipped
// with that reason; data-url.test.ts holds the same rules without it.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { translateButane } from "./translate";

function findButane(): string | null {
  const candidates = [process.env.BUTANE_BIN, "butane"].filter((c): c is string => !!c);
  for (const c of candidates) if (spawnSync(c, ["--version"], { encoding: "utf8" }).status === 0) return c;
  return null;
}

const BUTANE = findButane();
const SKIP_NOTE = BUTANE ? "" : " (skipped: no Butane binary; set BUTANE_BIN or put butane on PATH)";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The config with every data URL decoded (and gunzipped): what Ignition writes to disk. */
function contentsOf(v: Json): Json {
  if (Array.isArray(v)) return v.map((x) => contentsOf(x));
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        if (k === "source" && typeof x === "string" && x.startsWith("data:")) {
          const m = /^data:(;base64)?,(.*)$/s.exec(x)!;
          const raw = m[1] ? Uint8Array.from(Buffer.from(m[2]!, "base64")) : Uint8Array.from(Buffer.from(decodeURIComponent(m[2]!), "utf8"));
          // A config that names gzip itself may carry anything: compare it as written.
          const gz = v.compression === "gzip" && raw[0] === 0x1f && raw[1] === 0x8b;
          return [k, Buffer.from(gz ? gunzipSync(raw) : raw).toString("utf8")];
        }
        return [k, contentsOf(x)];
      }),
    );
  }
  return v;
}

function encodingsOf(v: Json, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => encodingsOf(x, out));
  else if (v && typeof v === "object") {
    if (typeof v.source === "string" && v.source.startsWith("data:")) out.push(`${v.source.startsWith("data:;base64,") ? "base64" : "escaped"}/${String(v.compression ?? "-")}`);
    Object.values(v).forEach((x) => encodingsOf(x, out));
  }
  return out;
}

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => " ".repeat(n) + l)
    .join("\n");
const repetitive = Array.from({ length: 400 }, (_, i) => `option-${i % 25} = value ${i % 7}`).join("\n");
const prose = Array.from({ length: 60 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog ${(i * 7919) % 104729}.`).join("\n");
const noisy = Array.from({ length: 200 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join("");

const CASES: Array<[string, string]> = [
  ["large repetitive file (fcos 1.4)", `variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/app.conf\n      mode: 0644\n      contents:\n        inline: |\n${indent(repetitive, 10)}\n`],
  ["prose in a unit and a file (fcos 1.5)", `variant: fcos\nversion: 1.5.0\nsystemd:\n  units:\n    - name: a.service\n      contents: |\n        [Service]\n        ExecStart=/bin/true\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: |\n${indent(prose, 10)}\n    - path: /etc/small\n      contents:\n        inline: hi there\n`],
  ["incompressible text (flatcar 1.1)", `variant: flatcar\nversion: 1.1.0\nstorage:\n  files:\n    - path: /etc/noise\n      contents:\n        inline: ${noisy}\n`],
  ["append and a named compression (fcos 1.5)", `variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /etc/log.conf\n      append:\n        - inline: |\n${indent(repetitive, 12)}\n    - path: /etc/pre\n      contents:\n        compression: gzip\n        inline: not really gzip\n`],
  ["fcos 1.0 never compresses", `variant: fcos\nversion: 1.0.0\nstorage:\n  files:\n    - path: /etc/app.conf\n      contents:\n        inline: |\n${indent(repetitive, 10)}\n`],
];

describe("Flotilla's Butane translation against the real Butane", () => {
  const dir = BUTANE ? mkdtempSync(join(tmpdir(), "butane-diff-")) : "";
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!BUTANE).each(CASES)(`%s: same encoding choice, same bytes on disk${SKIP_NOTE}`, (name, yaml) => {
    const file = join(dir, `${name.replace(/\W+/g, "-")}.bu`);
    writeFileSync(file, yaml);
    const run = spawnSync(BUTANE!, ["--strict", file], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const theirs = JSON.parse(run.stdout) as Json;
    const t = translateButane(yaml);
    expect(t.errors).toEqual([]);
    const ours = JSON.parse(t.ignition!) as Json;
    expect(encodingsOf(ours)).toEqual(encodingsOf(theirs));
    expect(contentsOf(ours)).toEqual(contentsOf(theirs));
  });
});
