import { describe, expect, it } from "vitest";
import { NewReleaseSchema } from "../operator/release-schemas";
import { initialSim } from "./agents";
import { DEMO_CHANNELS, demoRebootSlots, demoReleases, demoTargets, releaseKey } from "./demo-catalog";
import { buildFleet, hostRng } from "./fleet";
import { DEFAULT_MIX, describeMix, parseMix } from "./protocols";
import { compareVersions } from "../update/version";
import { fcosChecksum } from "./versions";

describe("parseMix", () => {
  it("reads protocol=weight lists", () => {
    expect(parseMix("flatcar=45,fcos=35,native=20")).toEqual(DEFAULT_MIX);
    expect(parseMix("native=1, flatcar = 3%")).toEqual([["flatcar", 3], ["native", 1]]);
    expect(parseMix("fcos=0,native=1")).toEqual([["native", 1]]);
    expect(describeMix(DEFAULT_MIX)).toBe("flatcar 45 %, fcos 35 %, native 20 %");
  });

  it.each([["windows=1", /unknown protocol/], ["flatcar", /protocol=weight/], ["flatcar=1,flatcar=2", /twice/], ["native=0", /at least one/]])("refuses %s", (raw, message) => {
    expect(() => parseMix(raw)).toThrow(message);
  });
});

describe("a mixed fleet", () => {
  const fleet = buildFleet(7, 2000, DEFAULT_MIX);
  const of = (p: string) => fleet.filter((h) => h.protocol === p);

  it("blends the protocols by weight, each on its own OS in groups that run it", () => {
    expect(of("flatcar").length / fleet.length).toBeCloseTo(0.45, 1);
    expect(of("fcos").length / fleet.length).toBeCloseTo(0.35, 1);
    expect(of("native").length / fleet.length).toBeCloseTo(0.2, 1);
    for (const h of of("flatcar")) expect(h.osFamily).toBe("flatcar");
    for (const h of of("fcos")) {
      expect(h.osFamily).toBe("fcos");
      expect(["workers", "canary", "default"]).toContain(h.group);
      expect(["metal", "aws", "azure", "gcp", "qemu", "vmware", "digitalocean"]).toContain(h.platform);
    }
    expect(new Set(of("native").map((h) => h.osFamily)).size).toBeGreaterThan(1);
    expect(new Set(fleet.map((h) => h.machineId)).size).toBe(fleet.length);
    expect(new Set(fleet.map((h) => h.hostname)).size).toBe(fleet.length);
    expect(of("fcos").some((h) => h.rolloutWariness !== null)).toBe(true);
  });

  it("--setup-demo publishes valid releases covering every version the fleet starts on, and a newer target", () => {
    const releases = demoReleases().map((r) => NewReleaseSchema.parse(r));
    const keys = new Set(releases.map(releaseKey));
    expect(keys.size).toBe(releases.length);
    const arch = (a: string) => (a === "x86_64" ? "amd64" : a === "aarch64" ? "arm64" : a);
    for (const h of [...of("flatcar"), ...of("fcos")]) expect(keys.has(releaseKey({ osFamily: h.osFamily, version: h.initialVersion, arch: arch(h.arch) }))).toBe(true);
    for (const t of demoTargets()) {
      expect(DEMO_CHANNELS.find((c) => c.id === t.channelId)?.osFamily).toBe(t.family);
      for (const h of fleet.filter((x) => x.osFamily === t.family)) expect(compareVersions(t.version, h.initialVersion)).toBeGreaterThan(0);
    }
    // The graph's payloads are the checksums (or, for image-booted hosts, the pullspecs) the simulated Zincati boots.
    const payloads = new Set(releases.flatMap((r) => [r.ostreeChecksum, r.ociPullspec]).filter(Boolean));
    for (const h of of("fcos")) {
      const sim = initialSim(h, hostRng(7, h.index, 1));
      expect(sim.protocol === "fcos" && payloads.has(sim.state.checksum)).toBe(true);
    }
    expect(payloads.has(fcosChecksum(demoTargets()[1]!.version, "aarch64"))).toBe(true);
  });

  it("gives FleetLock groups a slot per 25 FCOS hosts", () => {
    const slots = demoRebootSlots(fleet);
    const workers = of("fcos").filter((h) => h.group === "workers").length;
    expect(slots.get("workers")).toBe(Math.ceil(workers / 25));
    expect([...slots.keys()].every((g) => ["workers", "canary", "default"].includes(g))).toBe(true);
  });
});
