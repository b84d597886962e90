import { describe, expect, it } from "vitest";
import { buildFleet, GROUP_NAMES } from "./fleet";
import { createRng, mixSeed, weighted } from "./random";
import { nextVersion, RELEASES } from "./versions";

describe("buildFleet", () => {
  const fleet = buildFleet(7, 2000);

  it("is the same fleet for the same seed and a different one for another", () => {
    expect(buildFleet(7, 50)).toEqual(fleet.slice(0, 50));
    expect(buildFleet(8, 50).map((h) => h.machineId)).not.toEqual(fleet.slice(0, 50).map((h) => h.machineId));
  });

  it("gives every host a distinct 32-hex machine id and hostname", () => {
    for (const h of fleet) expect(h.machineId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(fleet.map((h) => h.machineId)).size).toBe(fleet.length);
    expect(new Set(fleet.map((h) => h.hostname)).size).toBe(fleet.length);
  });

  it("numbers hostnames per group and labels site, rack and role", () => {
    const berlin = fleet.filter((h) => h.group === "edge-berlin");
    expect(berlin[0]?.hostname).toBe("edge-berlin-001");
    expect(berlin[16]?.hostname).toBe("edge-berlin-017");
    expect(fleet.find((h) => h.group === "workers")?.hostname).toBe("worker-fra-001");
    for (const h of berlin) expect(h.labels).toMatchObject({ site: "berlin", role: "edge", rack: expect.stringMatching(/^r\d\d$/) });
  });

  it("mixes groups, OS families and architectures realistically", () => {
    expect(new Set(fleet.map((h) => h.group))).toEqual(new Set(GROUP_NAMES));
    const share = (pred: (h: (typeof fleet)[number]) => boolean) => fleet.filter(pred).length / fleet.length;
    expect(share((h) => h.osFamily === "flatcar")).toBeGreaterThan(0.6);
    expect(share((h) => h.osFamily === "fcos")).toBeGreaterThan(0.05);
    expect(share((h) => h.osFamily === "other")).toBeGreaterThan(0.01);
    expect(share((h) => h.arch === "arm64" || h.arch === "aarch64")).toBeGreaterThan(0.15);
    for (const h of fleet) {
      expect(RELEASES[h.osFamily]).toContain(h.initialVersion);
      if (h.osFamily === "fcos") expect(["x86_64", "aarch64"]).toContain(h.arch);
      else expect(["amd64", "arm64"]).toContain(h.arch);
    }
  });
});

describe("random helpers", () => {
  it("mixSeed separates (seed, index) pairs that a sum would confuse", () => {
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
  });

  it("weighted honours the weights", () => {
    const rng = createRng(3);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (weighted(rng, [["a", 9], ["b", 1]] as const) === "a") a++;
    expect(a).toBeGreaterThan(8_700);
    expect(a).toBeLessThan(9_300);
  });
});

describe("nextVersion", () => {
  it("follows the release train, then bumps the patch level", () => {
    expect(nextVersion("flatcar", "4081.2.0")).toBe("4081.2.1");
    expect(nextVersion("flatcar", "4152.2.1")).toBe("4152.2.2");
    expect(nextVersion("fcos", "41.20250117.3.0")).toBe("41.20250130.3.0");
    expect(nextVersion("fcos", "41.20250130.3.0")).toBe("41.20250130.3.1");
    expect(nextVersion("other", "2.0.0")).toBe("2.0.1");
  });
});
