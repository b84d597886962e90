import { describe, expect, it } from "vitest";
import { channel, release } from "../update/test-fixtures";
import { buildGraph, derivedWariness, explainNoEdge, GraphQuerySchema, nextUpdate, rolloutReach } from "./graph";

const r = (version: string, extra: Parameters<typeof release>[0] extends infer T ? Partial<T> : never = {}) =>
  release({ version, osFamily: "fcos", channelId: "fcos-stable", ostreeChecksum: `c${version.replace(/\D/g, "")}`, payloadUrl: null, sha1Base64: null, sha256Base64: null, ...extra });

const v1 = r("40.20240301.3.0");
const v2 = r("40.20240316.3.0");
const v3 = r("40.20240401.3.0");
const v4 = r("40.20240416.3.0");
const now = new Date("2026-11-27T12:00:00Z");

function assertValid(g: ReturnType<typeof buildGraph>) {
  for (const n of g.nodes) for (const v of Object.values(n.metadata)) expect(typeof v).toBe("string");
  for (const [a, b] of g.edges) {
    expect(g.nodes[a]).toBeDefined();
    expect(g.nodes[b]).toBeDefined();
  }
  expect(g.nodes.map((n) => n.metadata["org.fedoraproject.coreos.releases.age_index"])).toEqual(g.nodes.map((_, i) => String(i)));
}

describe("Cincinnati graph", () => {
  it("gives every older release an edge to the target, with string metadata and age order", () => {
    const g = buildGraph({ releases: [v3, v1, v4, v2], channel: channel({ id: "fcos-stable", osFamily: "fcos", targetReleaseId: v3.id }), targetVersion: v3.version, wariness: 0.5, now });
    assertValid(g);
    expect(g.nodes.map((n) => n.version)).toEqual([v1, v2, v3, v4].map((x) => x.version));
    expect(g.edges).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(nextUpdate(g, v1.ostreeChecksum!)?.version).toBe(v3.version);
    expect(nextUpdate(g, v3.ostreeChecksum!)).toBeNull();
    expect(nextUpdate(g, "unknown")).toBeNull();
  });

  it("serves no edges when the channel is paused or has no target", () => {
    expect(buildGraph({ releases: [v1, v2], channel: channel({ id: "fcos-stable", paused: true, targetReleaseId: v2.id }), targetVersion: v2.version, wariness: 0, now }).edges).toEqual([]);
    expect(buildGraph({ releases: [v1, v2], channel: channel({ id: "fcos-stable" }), targetVersion: null, wariness: 0, now }).edges).toEqual([]);
    expect(buildGraph({ releases: [v1, v2], channel: null, targetVersion: v2.version, wariness: 0, now }).edges).toEqual([]);
  });

  it("finds the target by version in the client's architecture (the target id names another arch's build)", () => {
    const arm1 = { ...v1, id: "arm-1", arch: "arm64", ostreeChecksum: "e1".repeat(32) };
    const arm2 = { ...v2, id: "arm-2", arch: "arm64", ostreeChecksum: "e2".repeat(32) };
    const c = channel({ id: "fcos-stable", targetReleaseId: v2.id });
    expect(buildGraph({ releases: [arm1, arm2], channel: c, targetVersion: v2.version, wariness: 0, now }).edges).toEqual([[0, 1]]);
  });

  it("a recalled release is a dead end with the reason, and a recalled target gets no edges", () => {
    const recalled = { ...v2, recalled: "breaks networking" };
    const g = buildGraph({ releases: [v1, recalled, v3], channel: channel({ id: "fcos-stable", targetReleaseId: v3.id }), targetVersion: v3.version, wariness: 0, now });
    assertValid(g);
    expect(g.edges).toEqual([[0, 2]]);
    expect(g.nodes[1]!.metadata).toMatchObject({ "org.fedoraproject.coreos.updates.deadend": "true", "org.fedoraproject.coreos.updates.deadend_reason": "recalled: breaks networking" });
    expect(buildGraph({ releases: [v1, recalled], channel: channel({ id: "fcos-stable", targetReleaseId: v2.id }), targetVersion: v2.version, wariness: 0, now }).edges).toEqual([]);
  });

  it("a pin serves edges only to the pinned release, without throttling", () => {
    const c = channel({ id: "fcos-stable", targetReleaseId: v4.id, rolloutStartedAt: now, rolloutDurationMinutes: 600 });
    const g = buildGraph({ releases: [v1, v2, v3, v4], channel: c, wariness: 0.99, now, targetVersion: v2.version, pinned: true });
    assertValid(g);
    expect(g.edges).toEqual([[0, 1]]);
    expect(g.nodes[1]!.metadata["org.fedoraproject.coreos.updates.rollout"]).toBeUndefined();
    // Pinned to a version the stream does not have: no edges at all.
    expect(buildGraph({ releases: [v1, v2], channel: c, wariness: 0, now, targetVersion: "41.0.0", pinned: true }).edges).toEqual([]);
  });

  it("routes through barriers and leaves dead ends without a way out", () => {
    const barrier = { ...v2, barrier: true, barrierReason: "migrates storage" };
    const dead = { ...v1, deadend: true, deadendReason: "broken networking" };
    const g = buildGraph({ releases: [dead, barrier, v3, v4], channel: channel({ id: "fcos-stable", targetReleaseId: v4.id }), targetVersion: v4.version, wariness: 0, now });
    assertValid(g);
    expect(g.edges).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(g.nodes[1]!.metadata).toMatchObject({ "org.fedoraproject.coreos.updates.barrier": "true", "org.fedoraproject.coreos.updates.barrier_reason": "migrates storage" });
    expect(g.nodes[0]!.metadata).toMatchObject({ "org.fedoraproject.coreos.updates.deadend": "true", "org.fedoraproject.coreos.updates.deadend_reason": "broken networking" });
    const g2 = buildGraph({ releases: [v1, barrier, v3, v4], channel: channel({ id: "fcos-stable", targetReleaseId: v4.id }), targetVersion: v4.version, wariness: 0, now });
    expect(g2.edges).toContainEqual([0, 1]);
  });

  it("throttles a rollout by wariness: reach grows from start_value to 1 over the duration", () => {
    const c = channel({ id: "fcos-stable", targetReleaseId: v2.id, rolloutStartedAt: new Date(now.getTime() - 30 * 60_000), rolloutDurationMinutes: 60, rolloutStartValue: 0.2 });
    expect(rolloutReach(c, now)).toBeCloseTo(0.6);
    const eager = buildGraph({ releases: [v1, v2], channel: c, targetVersion: v2.version, wariness: 0.5, now });
    const wary = buildGraph({ releases: [v1, v2], channel: c, targetVersion: v2.version, wariness: 0.7, now });
    expect(eager.edges).toEqual([[0, 1]]);
    expect(wary.edges).toEqual([]);
    expect(eager.nodes[1]!.metadata).toMatchObject({
      "org.fedoraproject.coreos.updates.rollout": "true",
      "org.fedoraproject.coreos.updates.start_value": "0.2",
      "org.fedoraproject.coreos.updates.duration_minutes": "60",
      "org.fedoraproject.coreos.updates.start_epoch": String(Math.floor((now.getTime() - 30 * 60_000) / 1000)),
    });
    expect(buildGraph({ releases: [v1, v2], channel: c, targetVersion: v2.version, wariness: 0.99, now: new Date(now.getTime() + 3600_000) }).edges).toEqual([[0, 1]]);
  });

  it("derives a stable wariness in [0,1) from the node id", () => {
    const w = derivedWariness("c988d2509fdf5cdcbed39037c56406fb");
    expect(w).toBe(derivedWariness("C988D2509FDF5CDCBED39037C56406FB"));
    expect(w).toBeGreaterThanOrEqual(0);
    expect(w).toBeLessThan(1);
    const spread = Array.from({ length: 1000 }, (_, i) => derivedWariness(i.toString(16).padStart(32, "0")));
    expect(spread.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(spread.filter((x) => x < 0.5).length).toBeLessThan(600);
  });

  it("requires basearch and stream and validates the rest", () => {
    expect(GraphQuerySchema.safeParse({ stream: "stable" }).success).toBe(false);
    expect(GraphQuerySchema.safeParse({ basearch: "x86_64" }).success).toBe(false);
    expect(GraphQuerySchema.safeParse({ basearch: "x86_64", stream: "stable", group: "a b" }).success).toBe(false);
    expect(GraphQuerySchema.safeParse({ basearch: "x86_64", stream: "stable", rollout_wariness: "2" }).success).toBe(false);
    expect(GraphQuerySchema.parse({ basearch: "x86_64", stream: "stable" }).group).toBe("default");
  });

  // zincati src/identity/mod.rs:141-148: oci=true and the booted image's pullspec as os_checksum.
  const img = (n: string) => `quay.io/fedora/fedora-coreos@sha256:${n.repeat(64 / n.length)}`;

  it("accepts Zincati's OCI query (oci=true, a pullspec as os_checksum), and only then", () => {
    const q = GraphQuerySchema.parse({ basearch: "x86_64", stream: "stable", os_version: v1.version, os_checksum: img("ab"), oci: "true" });
    expect(q).toMatchObject({ oci: true, os_checksum: img("ab") });
    expect(GraphQuerySchema.parse({ basearch: "x86_64", stream: "stable", os_checksum: "AB".repeat(32) })).toMatchObject({ oci: false, os_checksum: "ab".repeat(32) });
    // Without oci=true a pullspec is not a checksum; with it, a checksum is not a pullspec.
    const noOci = GraphQuerySchema.safeParse({ basearch: "x86_64", stream: "stable", os_checksum: img("ab") });
    expect(noOci.success).toBe(false);
    expect(noOci.error?.issues[0]?.message).toMatch(/oci=true/);
    expect(GraphQuerySchema.safeParse({ basearch: "x86_64", stream: "stable", os_checksum: "ab".repeat(32), oci: "true" }).success).toBe(false);
    // fedora-coreos-cincinnati reads oci as a serde bool (fcos-policy-engine/src/main.rs:133): true or false only.
    expect(GraphQuerySchema.safeParse({ basearch: "x86_64", stream: "stable", oci: "yes" }).success).toBe(false);
    expect(GraphQuerySchema.parse({ basearch: "x86_64", stream: "stable", oci: "false" }).oci).toBe(false);
  });

  it("serves the OCI graph as fedora-coreos-cincinnati does: the pullspec as payload, scheme oci, releases without an image left out", () => {
    // commons/src/graph.rs:40-57 (payload = digest_ref, scheme "oci", no image → skipped).
    const o1 = { ...v1, ociPullspec: img("a1") };
    const o3 = { ...v3, ociPullspec: img("c3") };
    const c = channel({ id: "fcos-stable", osFamily: "fcos", targetReleaseId: v3.id });
    const g = buildGraph({ releases: [o1, v2, o3], channel: c, targetVersion: v3.version, wariness: 0, now, oci: true });
    assertValid(g);
    expect(g.nodes).toEqual([
      { version: v1.version, payload: img("a1"), metadata: { "org.fedoraproject.coreos.scheme": "oci", "org.fedoraproject.coreos.releases.age_index": "0" } },
      { version: v3.version, payload: img("c3"), metadata: { "org.fedoraproject.coreos.scheme": "oci", "org.fedoraproject.coreos.releases.age_index": "1" } },
    ]);
    expect(g.edges).toEqual([[0, 1]]);
    // zincati src/cincinnati/mod.rs:339-347: the booted node is the one whose payload equals the pullspec.
    expect(nextUpdate(g, img("a1"))?.version).toBe(v3.version);
    expect(nextUpdate(g, img("A1"))).toBeNull();
    // The OSTree graph of the same releases is unchanged.
    const checksum = buildGraph({ releases: [o1, v2, o3], channel: c, targetVersion: v3.version, wariness: 0, now });
    expect(checksum.nodes.map((n) => n.payload)).toEqual([v1, v2, v3].map((x) => x.ostreeChecksum));
    expect(checksum.nodes.every((n) => n.metadata["org.fedoraproject.coreos.scheme"] === "checksum")).toBe(true);
  });

  it("picks like Zincati: highest age_index among the targets, never a downgrade (src/cincinnati/mod.rs:302-315)", () => {
    const g = { nodes: [v1, v2, v3].map((x, i) => ({ version: x.version, payload: x.ostreeChecksum!, metadata: { "org.fedoraproject.coreos.scheme": "checksum", "org.fedoraproject.coreos.releases.age_index": String(i) } })), edges: [[0, 1], [0, 2], [2, 0]] as Array<[number, number]> };
    expect(nextUpdate(g, v1.ostreeChecksum!)?.version).toBe(v3.version);
    expect(nextUpdate(g, v3.ostreeChecksum!)).toBeNull();
  });

  it("says why a host finds no edge", () => {
    const c = channel({ id: "fcos-stable", osFamily: "fcos", targetReleaseId: v3.id });
    const input = { releases: [v1, v2, v3], channel: c, targetVersion: v3.version, wariness: 0, now };
    const g = buildGraph(input);
    expect(explainNoEdge(input, g, "ff".repeat(32))).toMatch(/booted OSTree checksum f+ is not in the catalog/);
    expect(explainNoEdge(input, g, null)).toMatch(/sent no OSTree checksum/);
    expect(explainNoEdge(input, g, v3.ostreeChecksum)).toMatch(/not older than the target/);
    const oci = { ...input, oci: true };
    expect(explainNoEdge(oci, buildGraph(oci), v1.ostreeChecksum)).toMatch(/has no OCI image pullspec/);
    const dead = { ...input, releases: [{ ...v1, deadend: true, deadendReason: "storage migration" }, v2, v3] };
    expect(explainNoEdge(dead, buildGraph(dead), v1.ostreeChecksum)).toBe(`booted release ${v1.version} is a dead end: storage migration`);
    const throttled = { ...input, channel: { ...c, rolloutStartedAt: now, rolloutDurationMinutes: 600, rolloutStartValue: 0.1 }, wariness: 0.9 };
    expect(explainNoEdge(throttled, buildGraph(throttled), v1.ostreeChecksum)).toMatch(/throttled rollout of .* has reached 10% of hosts; this host's wariness 0.90/);
  });
});
