import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = path.join(process.cwd(), "bin", "flotilla.mjs");
const corpus = (name: string) => path.join(process.cwd(), "tests", "ignition-corpus", name);

async function flotilla(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: os.tmpdir(), timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("flotilla ignition validate / butane (CLI for CI pipelines)", () => {
  it("exits 0 for valid files and 1 with ignition-validate-style lines otherwise", async () => {
    const ok = await flotilla(["ignition", "validate", corpus("3.3.0--valid--ssh-keys-and-hostname.ign")]);
    expect(ok).toMatchObject({ code: 0, stdout: "" });
    const bad = await flotilla(["ignition", "validate", corpus("3.3.0--invalid--dup-file-paths.ign")]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("error at $.storage.files.1, line 10 col 8: duplicate entry defined\n");
    const both = await flotilla(["ignition", "validate", corpus("3.3.0--valid--ssh-keys-and-hostname.ign"), corpus("3.3.0--invalid--dup-file-paths.ign")]);
    expect(both.code).toBe(1);
    expect(both.stdout).toContain("3.3.0--invalid--dup-file-paths.ign: error at $.storage.files.1");
  });

  it("prints the structured answer with --json", async () => {
    const r = await flotilla(["ignition", "validate", "--json", corpus("3.3.0--invalid--dup-file-paths.ign")]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, format: "ignition", errors: [{ path: "$.storage.files.1", line: 10, column: 8, message: "duplicate entry defined" }] });
  });

  it("translates Butane and fails on a Butane error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-cli-"));
    try {
      fs.writeFileSync(path.join(dir, "ok.bu"), "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      mode: 0644\n      contents:\n        inline: hi\n");
      fs.writeFileSync(path.join(dir, "bad.bu"), "variant: fcos\nversion: 9.9.9\n");
      const ok = await flotilla(["butane", path.join(dir, "ok.bu")]);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: "data:,hi" } }] } });
      const bad = await flotilla(["butane", path.join(dir, "bad.bu")]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/error at \$\.version, line 2/);
      expect((await flotilla(["ignition", "validate", path.join(dir, "ok.bu")])).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
