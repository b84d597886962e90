import { describe, expect, it } from "vitest";
import { NativeReportSchema } from "../agent/native-report";
import { buildFleet, hostRng, type HostProfile } from "./fleet";
import { advance, initialState, reportBody, type HostState } from "./host-state";
import type { Rng } from "./random";

const fleet = buildFleet(11, 400);
const flatcar = fleet.find((h) => h.osFamily === "flatcar")!;
const fcos = fleet.find((h) => h.osFamily === "fcos")!;
const always: Rng = () => 0;
const never: Rng = () => 0.999_999;

function walk(profile: HostProfile, s: HostState, rng: Rng, steps: number, b = { failRate: 0, updateRate: 1 }): HostState[] {
  const out = [s];
  for (let i = 0; i < steps; i++) out.push(advance(out[out.length - 1]!, profile, rng, b));
  return out;
}

describe("host state machine", () => {
  it("updates idle → checking → … → rebooting → idle on the next version with the slot swapped", () => {
    const start = { ...initialState(flatcar, hostRng(11, flatcar.index)), version: "4081.2.0", slot: "A" as const };
    // rng 0.5: updateRate 1 starts an update, failRate 0 never fails, health never fails.
    const path = walk(flatcar, start, () => 0.5, 6);
    expect(path.map((s) => s.state)).toEqual(["idle", "checking", "downloading", "downloaded", "staged", "rebooting", "idle"]);
    const done = path[6]!;
    expect(done).toMatchObject({ version: "4081.2.1", previousVersion: "4081.2.0", slot: "B", target: null, error: null });
  });

  it("moves Fedora CoreOS to a new deployment instead of a slot", () => {
    const start = initialState(fcos, hostRng(11, fcos.index));
    expect(start.slot).toBeNull();
    const done = walk(fcos, start, () => 0.5, 6)[6]!;
    expect(done.slot).toBeNull();
    expect(done.deploymentId).toMatch(/^[0-9a-f]{64}$/);
    expect(done.deploymentId).not.toBe(start.deploymentId);
    expect(done.previousVersion).toBe(start.version);
  });

  it("fails a download into state error with a code, then returns to idle on the old version", () => {
    const start: HostState = { ...initialState(flatcar, never), state: "downloading", target: "9999.0.0" };
    const failed = advance(start, flatcar, always, { failRate: 1, updateRate: 0 });
    expect(failed.state).toBe("error");
    expect(failed.error?.code).toBe("download_failed");
    const after = advance(failed, flatcar, never, { failRate: 0, updateRate: 0 });
    expect(after).toMatchObject({ state: "idle", error: null, version: start.version });
  });

  it("rolls back after a failed boot: slot and version back where they were", () => {
    const start: HostState = { ...initialState(flatcar, never), version: "4081.2.0", slot: "B", state: "rebooting", target: "4081.2.1" };
    const rolled = advance(start, flatcar, always, { failRate: 1, updateRate: 0 });
    expect(rolled).toMatchObject({ state: "rolled_back", version: "4081.2.0", slot: "B" });
    expect(rolled.error?.code).toBe("boot_failed");
  });

  it("lets health checks fail for a few reports and recover", () => {
    let s = initialState(flatcar, never);
    s = advance(s, flatcar, always, { failRate: 1, updateRate: 0 });
    expect(s.failing).not.toBeNull();
    const body = reportBody(flatcar, s);
    expect(body.health?.some((h) => !h.ok && h.detail)).toBe(true);
    for (let i = 0; i < 3; i++) s = advance(s, flatcar, never, { failRate: 0, updateRate: 0 });
    expect(s.failing).toBeNull();
  });

  it("only ever produces reports the server's schema accepts", () => {
    const seen = new Set<string>();
    for (const profile of fleet.slice(0, 100)) {
      const rng = hostRng(11, profile.index, 1);
      let s = initialState(profile, rng);
      for (let i = 0; i < 60; i++) {
        const parsed = NativeReportSchema.safeParse(JSON.parse(JSON.stringify(reportBody(profile, s))));
        if (!parsed.success) throw new Error(`${profile.hostname} ${s.state}: ${parsed.error.message}`);
        expect(parsed.data.machineId).toBe(profile.machineId);
        seen.add(s.state);
        s = advance(s, profile, rng, { failRate: 0.3, updateRate: 0.3 });
      }
    }
    expect(seen).toEqual(new Set(["idle", "checking", "downloading", "downloaded", "staged", "rebooting", "error", "rolled_back"]));
  });
});
