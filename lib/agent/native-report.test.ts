import { describe, expect, it } from "vitest";
import { normalizeArch, normalizeMachineId } from "./machine-id";
import { NativeReportSchema, nextReportDelay } from "./native-report";

const valid = {
  machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c",
  hostname: "edge-berlin-01",
  os: { family: "flatcar", version: "4081.2.0", arch: "amd64" },
  slot: "A",
  previousVersion: "3975.2.2",
  state: "idle",
  health: [{ name: "kubelet", ok: true }],
  labels: { site: "berlin" },
  group: "edge-berlin",
};

describe("native report schema", () => {
  it("accepts the documented body and fills defaults", () => {
    const r = NativeReportSchema.parse({ machineId: valid.machineId, os: valid.os, state: "idle" });
    expect(r).toMatchObject({ hostname: "", group: "default", labels: {}, health: [] });
    expect(NativeReportSchema.parse(valid).group).toBe("edge-berlin");
  });

  it("coerces numeric error codes to strings", () => {
    const r = NativeReportSchema.parse({ ...valid, state: "error", error: { code: 44, message: "rollback" } });
    expect(r.error).toEqual({ code: "44", message: "rollback" });
  });

  it.each([
    [{ ...valid, state: "sleeping" }, "state"],
    [{ ...valid, slot: "C" }, "slot"],
    [{ ...valid, os: { ...valid.os, version: "" } }, "os.version"],
    [{ ...valid, os: { ...valid.os, version: "4081 2" } }, "os.version"],
    [{ ...valid, labels: { "bad key": "x" } }, "labels.bad key"],
    [{ ...valid, health: [{ name: "x" }] }, "health.0.ok"],
    [{ ...valid, group: "" }, "group"],
    [{ ...valid, state: "error" }, "error"],
  ])("names the bad field (%#)", (body, path) => {
    const r = NativeReportSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("jitters the next report by at most 10 % and never below 5 s", () => {
    expect(nextReportDelay(60, () => 0)).toBe(54);
    expect(nextReportDelay(60, () => 1)).toBe(66);
    expect(nextReportDelay(60, () => 0.5)).toBe(60);
    expect(nextReportDelay(5, () => 0)).toBe(5);
  });
});

describe("machine ids and architectures", () => {
  it.each([
    ["592cfdb69c7f4a29a6b361b60cedd954", "592cfdb69c7f4a29a6b361b60cedd954"],
    ["{592CFDB6-9C7F-4A29-A6B3-61B60CEDD954}", "592cfdb69c7f4a29a6b361b60cedd954"],
    [" 592cfdb69c7f4a29a6b361b60cedd954\n", "592cfdb69c7f4a29a6b361b60cedd954"],
    ["592cfdb69c7f4a29a6b361b60cedd95", null],
    ["592cfdb69c7f4a29a6b361b60cedd95z", null],
  ])("normalizes %j", (raw, expected) => {
    expect(normalizeMachineId(raw)).toBe(expected);
  });

  it.each([
    ["amd64-usr", "amd64"],
    ["x86_64", "amd64"],
    ["aarch64", "arm64"],
    ["arm64-usr", "arm64"],
    ["riscv64", "riscv64"],
  ])("arch %s is %s", (raw, expected) => {
    expect(normalizeArch(raw)).toBe(expected);
  });
});
