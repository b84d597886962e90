import { describe, expect, it } from "vitest";
import { buildGraph, GraphQuerySchema } from "../cincinnati/graph";
import { FleetLockBodySchema } from "../fleetlock/request";
import type { ChannelInfo, ReleaseInfo } from "../update/policy";
import { phaseOf } from "./agents";
import { demoFcosRelease, demoVersions } from "./demo-catalog";
import { buildFleet } from "./fleet";
import type { Rng } from "./random";
import { fcosChecksum, fcosPullspec } from "./versions";
import { chooseUpdate, initialZincatiState, zincatiAnswered, zincatiRequest, type ZincatiHostState } from "./zincati-host";

const fleet = buildFleet(3, 400, [["fcos", 1]]);
const host = fleet.find((h) => h.arch === "x86_64" && h.initialVersion === "41.20241215.3.0")!;
const mid: Rng = () => 0.5;
const versions = demoVersions("fcos");
const target = versions[versions.length - 1]!;

/** The graph Flotilla serves for the demo catalog's amd64 releases, targeting `targetVersion`. */
function graphJson(targetVersion = target, over: Partial<ChannelInfo> = {}, oci = false): string {
  const releases: ReleaseInfo[] = versions.map((v, i) => {
    const r = demoFcosRelease(v, "amd64");
    return { id: `r${i}`, osFamily: "fcos", channelId: r.channelId, version: v, arch: "amd64", payloadUrl: null, payloadName: null, sizeBytes: null, sha1Base64: null, sha256Base64: null, ostreeChecksum: r.ostreeChecksum ?? null, ociPullspec: r.ociPullspec ?? null, barrier: false, barrierReason: null, deadend: false, deadendReason: null, recalled: null };
  });
  const channel: ChannelInfo = { id: "fcos-stable", osFamily: "fcos", targetReleaseId: `r${versions.indexOf(targetVersion)}`, paused: false, pausedReason: null, rolloutStartedAt: null, rolloutDurationMinutes: 0, rolloutStartValue: 0, ...over };
  return JSON.stringify(buildGraph({ releases, channel, targetVersion: channel.targetReleaseId ? targetVersion : null, wariness: 0.5, now: new Date(), oci }));
}

const ok = (s: ZincatiHostState, body: string, failRate = 0) => zincatiAnswered(host, s, 200, body, mid, { failRate });
const LOCK_OK = '{"kind":"ok","value":"slot held (1/1)"}';

describe("Zincati host", () => {
  it("unlocks at start-up, then polls the graph with Zincati's query", () => {
    const s = initialZincatiState(host);
    expect(s.checksum).toBe(fcosChecksum(host.initialVersion, "x86_64"));
    const unlock = zincatiRequest(host, s);
    expect(unlock).toMatchObject({ method: "POST", path: "/v1/steady-state", headers: { "fleet-lock-protocol": "true" } });
    expect(FleetLockBodySchema.parse(JSON.parse(unlock.body!))).toEqual({ client_params: { id: host.machineId, group: host.group } });
    const idle = ok(s, LOCK_OK);
    expect(idle.state).toMatchObject({ phase: "idle", next: "poll" });
    const poll = zincatiRequest(host, idle.state);
    expect(poll.method).toBe("GET");
    const url = new URL(poll.path, "http://x");
    expect(url.pathname).toBe("/v1/graph");
    const q = GraphQuerySchema.parse(Object.fromEntries(url.searchParams));
    expect(q).toMatchObject({ basearch: "x86_64", stream: "stable", os_version: host.initialVersion, os_checksum: s.checksum, group: host.group, node_uuid: host.machineId, platform: host.platform });
  });

  it("stages the newest update, waits for a FleetLock slot with growing backoff, reboots into it and releases the slot", () => {
    let s = ok(initialZincatiState(host), LOCK_OK).state;
    const staged = ok(s, graphJson());
    expect(staged.state).toMatchObject({ phase: "staging", next: "lock", target: { version: target, checksum: fcosChecksum(target, "x86_64") } });
    s = staged.state;
    expect(zincatiRequest(host, s)).toMatchObject({ method: "POST", path: "/v1/pre-reboot" });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const busy = zincatiAnswered(host, s, 409, '{"kind":"failed_lock_semaphore_full","value":"all 1 reboot slots of group workers are taken"}', mid, { failRate: 0 });
      expect(busy.expected).toBe(true);
      expect(busy.state.phase).toBe("waiting_slot");
      if (busy.wait.kind === "step") waits.push(busy.wait.seconds);
      s = busy.state;
    }
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(waits[3]!).toBeGreaterThan(waits[0]!);
    s = ok(s, LOCK_OK).state;
    expect(s).toMatchObject({ phase: "rebooting", next: "unlock", version: target, checksum: fcosChecksum(target, "x86_64"), attempts: 0 });
    expect(zincatiRequest(host, s).path).toBe("/v1/steady-state");
    s = ok(s, '{"kind":"ok","value":"slot released"}').state;
    // On the target: nothing more to take.
    const settled = ok(s, graphJson());
    expect(settled.state).toMatchObject({ phase: "idle", next: "poll", target: null });
    expect(settled.wait).toEqual({ kind: "periodic" });
  });

  it("at failRate stays on the old deployment and never takes the failed one again", () => {
    let s = ok(initialZincatiState(host), LOCK_OK).state;
    s = ok(s, graphJson(), 1).state;
    s = ok(s, LOCK_OK, 1).state;
    expect(s).toMatchObject({ version: host.initialVersion, denylist: [fcosChecksum(target, "x86_64")] });
    s = ok(s, LOCK_OK).state;
    s = ok(s, graphJson()).state;
    expect(s).toMatchObject({ phase: "idle", target: null });
    expect(phaseOf({ protocol: "fcos", state: s })).toBe("rolled_back");
  });

  it("follows Zincati's rule: booted node, its edges, highest age_index, never downgrade", () => {
    const booted = fcosChecksum(versions[0]!, "x86_64");
    expect(chooseUpdate(graphJson(), booted)).toMatchObject({ kind: "update", target: { version: target } });
    expect(chooseUpdate(graphJson(), "f".repeat(64))).toEqual({ kind: "none", reason: "booted release not in the graph" });
    expect(chooseUpdate(graphJson(target, { paused: true }), booted).kind).toBe("none");
    // A downgrade edge is ignored.
    const downgrade = JSON.stringify({
      nodes: [
        { version: "1", payload: "a", metadata: { "org.fedoraproject.coreos.releases.age_index": "0", "org.fedoraproject.coreos.scheme": "checksum" } },
        { version: "2", payload: "b", metadata: { "org.fedoraproject.coreos.releases.age_index": "1", "org.fedoraproject.coreos.scheme": "checksum" } },
      ],
      edges: [[1, 0]],
    });
    expect(chooseUpdate(downgrade, "b").kind).toBe("none");
    expect(chooseUpdate("not json", booted).kind).toBe("invalid");
    expect(chooseUpdate('{"nodes":[{"version":"1","payload":"a","metadata":{"org.fedoraproject.coreos.releases.age_index":0}}],"edges":[]}', "a")).toMatchObject({ kind: "invalid" });
  });

  it("an image-booted host polls with oci=true and its pullspec, and updates along the OCI graph", () => {
    const ociHost = fleet.find((h) => h.oci && h.arch === "x86_64" && h.initialVersion === host.initialVersion) ?? { ...host, oci: true };
    let s = ok(initialZincatiState(ociHost), LOCK_OK).state;
    expect(s.checksum).toBe(fcosPullspec(ociHost.initialVersion, "x86_64"));
    const q = GraphQuerySchema.parse(Object.fromEntries(new URL(zincatiRequest(ociHost, s).path, "http://x").searchParams));
    expect(q).toMatchObject({ oci: true, os_checksum: s.checksum, os_version: ociHost.initialVersion });
    const staged = zincatiAnswered(ociHost, s, 200, graphJson(target, {}, true), mid, { failRate: 0 });
    expect(staged.state).toMatchObject({ phase: "staging", target: { version: target, checksum: fcosPullspec(target, "x86_64") } });
    s = zincatiAnswered(ociHost, staged.state, 200, LOCK_OK, mid, { failRate: 0 }).state;
    expect(s).toMatchObject({ version: target, checksum: fcosPullspec(target, "x86_64") });
    // The checksum graph has no node of the oci scheme: Zincati finds nothing (src/cincinnati/mod.rs:339-357).
    expect(chooseUpdate(graphJson(), fcosPullspec(ociHost.initialVersion, "x86_64"), [], true)).toEqual({ kind: "none", reason: "booted release not in the graph" });
    expect(chooseUpdate(graphJson(target, {}, true), fcosChecksum(host.initialVersion, "x86_64"))).toEqual({ kind: "none", reason: "booted release not in the graph" });
  });

  it("boots about 30% of FCOS hosts from an OCI image, and no other host", () => {
    const big = buildFleet(7, 2000, [["fcos", 1], ["flatcar", 1]]);
    const fcos = big.filter((h) => h.osFamily === "fcos");
    const share = fcos.filter((h) => h.oci).length / fcos.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
    expect(big.filter((h) => h.osFamily !== "fcos" && h.oci)).toEqual([]);
  });
});
