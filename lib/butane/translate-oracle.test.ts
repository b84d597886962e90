// Cross-checks translated configs with Ignition's own validator (Debian
// bookworm's ignition 2.14, specs 3.0–3.3): what Flotilla's translation
// produces must be accepted there exactly as validateIgnition accepts it.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validateIgnition } from "../ignition/validate";
import { SAMPLES } from "./test-samples";
import { translateButane } from "./translate";

const BINARY = "/usr/bin/ignition-validate";
const available = existsSync(BINARY);
const SKIP_NOTE = available ? "" : ` (skipped: ${BINARY} is not installed; apt-get install ignition provides it)`;
const LEGACY = new Set(["3.0.0", "3.1.0", "3.2.0", "3.3.0"]);

describe("translated configs against ignition-validate", () => {
  const dir = available ? mkdtempSync(join(tmpdir(), "butane-oracle-")) : "";
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const legacy = SAMPLES.filter((s) => LEGACY.has(s.ignitionVersion));

  it("has samples for every spec ignition-validate 2.14 knows", () => {
    expect(new Set(legacy.map((s) => s.ignitionVersion))).toEqual(LEGACY);
  });

  it.skipIf(!available).each(legacy.map((s) => [s.name, s] as const))(`%s is valid for ignition-validate too${SKIP_NOTE}`, (name, sample) => {
    const result = translateButane(sample.yaml);
    expect(result.errors).toEqual([]);
    const json = result.ignition ?? "";
    const file = join(dir, `${name.replace(/\W+/g, "-")}.ign`);
    writeFileSync(file, json);
    const run = spawnSync(BINARY, [file], { encoding: "utf8" });
    expect({ status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, output: "" });
    const ours = validateIgnition(json);
    expect({ errors: ours.errors, warnings: ours.warnings }).toEqual({ errors: [], warnings: [] });
  });
});
