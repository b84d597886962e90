import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { listReleases, setChannelTarget } from "@/db/queries/releases";
import { nextUpdate, type Graph } from "@/lib/cincinnati/graph";
import { invalidatePolicy } from "@/server/policy-cache";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";

const NODE = "d1e2a3b4c5d6e7f8091a2b3c4d5e6f70";
const versions = ["41.20250105.3.0", "41.20250119.3.0", "41.20250202.3.0"];
const sums = ["a1", "b2", "c3"].map((p) => p.repeat(32));
// The digest-ref form upstream publishes (fedora-coreos-cincinnati commons/src/metadata.rs:48-53)
// and Zincati reports for its booted image (zincati src/rpm_ostree/cli_status.rs:121-135).
const image = (i: number) => `quay.io/fedora/fedora-coreos@sha256:${["d4", "e5", "f6"][i]!.repeat(32)}`;

/** Zincati's graph query for a host booted from an image (zincati src/identity/mod.rs:133-149). */
function ociQuery(i: number, over: Record<string, string> = {}) {
  return new URLSearchParams({ basearch: "x86_64", os_version: versions[i]!, group: "default", node_uuid: NODE, platform: "metal", stream: "stable", os_checksum: image(i), oci: "true", ...over });
}

/** What Zincati's parser needs of an OCI graph: each node's payload parses as an image reference with a digest (src/rpm_ostree/mod.rs:85-115). */
function assertZincatiParsesOci(g: Graph) {
  for (const n of g.nodes) {
    expect(n.metadata["org.fedoraproject.coreos.scheme"]).toBe("oci");
    expect(n.payload).toMatch(/^[a-z0-9.-]+\/[a-z0-9/_.-]+@sha256:[0-9a-f]{64}$/);
    expect(Number.isInteger(Number(n.metadata["org.fedoraproject.coreos.releases.age_index"]))).toBe(true);
  }
}

describe.each(testDatabases())("Cincinnati OCI graph (Zincati oci=true) on $name", (target) => {
  const t = useOperatorServer(target, {
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
    },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.server.url}${path}`, { method, headers: { authorization: `Bearer ${t.users.operator.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
  };
  const graph = async (q: URLSearchParams) => {
    const res = await fetch(`${t.server.url}/v1/graph?${q.toString()}`, { headers: { accept: "application/json" } });
    return { status: res.status, body: (await res.json()) as Graph & { kind?: string; value?: string } };
  };
  const fcos = (i: number, extra: Record<string, unknown> = {}) => ({ osFamily: "fcos", channelId: "fcos-stable", version: versions[i], arch: "x86_64", ostreeChecksum: sums[i], ...extra });

  it("releases take an OCI pullspec on create and import, stored in Zincati's canonical form; bad ones get a 400", async () => {
    // The tag is dropped: Zincati's own reference never has one (cli_status.rs:130-131, oci-spec clone_with_digest).
    const created = await api("POST", "/api/v1/releases", fcos(0, { ociPullspec: `quay.io/fedora/fedora-coreos:stable@sha256:${"d4".repeat(32)}` }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ociPullspec: image(0), ostreeChecksum: sums[0] });
    const imported = await api("POST", "/api/v1/releases/import", { releases: [fcos(1, { ociPullspec: image(1) }), fcos(2)] });
    expect(imported.status).toBe(201);
    const bad = await api("POST", "/api/v1/releases", { ...fcos(2), version: "41.20250216.3.0", ociPullspec: "quay.io/fedora/fedora-coreos:stable" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/must name a digest/);
    // An image-only release (upstream has them) is fine; a Flatcar release with an image is not.
    const imageOnly = await api("POST", "/api/v1/releases", { osFamily: "fcos", channelId: "fcos-stable", version: "41.20250216.3.0", arch: "aarch64", ociPullspec: `quay.io/fedora/fedora-coreos@sha256:${"07".repeat(32)}` });
    expect(imageOnly.status).toBe(201);
    expect((await api("POST", "/api/v1/releases", { osFamily: "fcos", channelId: "fcos-stable", version: "41.20250216.3.1", arch: "aarch64" })).status).toBe(400);
    // One image names one release: Zincati takes the first node with its payload (src/cincinnati/mod.rs:231-236).
    const dup = await api("POST", "/api/v1/releases", { osFamily: "fcos", channelId: "fcos-stable", version: "41.20250216.3.2", arch: "aarch64", ociPullspec: image(1) });
    expect(dup.status).toBe(409);
  });

  it("an operator adds the image to a release afterwards (PATCH), audited; clearing it is refused where it is the only payload", async () => {
    const rels = await listReleases(t.database.db, { channelId: "fcos-stable" });
    const third = rels.find((r) => r.version === versions[2] && r.arch === "amd64")!;
    expect(third.ociPullspec).toBeNull();
    const edited = await api("PATCH", `/api/v1/releases/${third.id}`, { ociPullspec: image(2), reason: "hosts moved to image updates" });
    expect(edited.status).toBe(200);
    expect(edited.body.ociPullspec).toBe(image(2));
    const audit = await api("GET", "/api/v1/audit?action=release.edit");
    expect(JSON.stringify(audit.body)).toContain(image(2));
    const imageOnly = rels.find((r) => r.arch === "arm64")!;
    expect((await api("PATCH", `/api/v1/releases/${imageOnly.id}`, { ociPullspec: null })).status).toBe(400);
    expect((await api("PATCH", `/api/v1/releases/${third.id}`, { ociPullspec: "not a pullspec" })).status).toBe(400);
    expect((await api("PATCH", "/api/v1/releases/00000000-0000-4000-8000-000000000000", { ociPullspec: null })).status).toBe(404);
    expect((await api("PATCH", `/api/v1/releases/${third.id}`, { ociPullspec: image(2) })).status).toBe(200);
    // Viewers cannot edit.
    const viewer = await fetch(`${t.server.url}/api/v1/releases/${third.id}`, { method: "PATCH", headers: { authorization: `Bearer ${t.users.viewer.token}`, "content-type": "application/json" }, body: JSON.stringify({ ociPullspec: null }) });
    expect(viewer.status).toBe(403);
  });

  it("a host booted from an image is served the OCI graph, led to the target, and recorded (it was refused with 400 before)", async () => {
    const rels = await listReleases(t.database.db, { channelId: "fcos-stable" });
    await setChannelTarget(t.database.db, SYSTEM_ACTOR, "fcos-stable", { releaseId: rels.find((r) => r.version === versions[2] && r.arch === "amd64")!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    invalidatePolicy();
    const { status, body } = await graph(ociQuery(0));
    expect(status).toBe(200);
    assertZincatiParsesOci(body);
    expect(body.nodes.map((n) => [n.version, n.payload])).toEqual(versions.map((v, i) => [v, image(i)]));
    // Zincati's choice from this graph (src/cincinnati/mod.rs:216-318).
    expect(nextUpdate(body, image(0))?.version).toBe(versions[2]);
    expect(await getHost(t.database.db, NODE)).toMatchObject({ protocol: "cincinnati", osFamily: "fcos", osVersion: versions[0], deploymentId: image(0), arch: "amd64", platform: "metal", updateState: "checking", offeredVersion: versions[2], holdReason: null });
    // The same host's OSTree graph (no oci) still carries checksums.
    const ostree = await graph(ociQuery(0, { oci: "false", os_checksum: sums[0]! }));
    expect(ostree.body.nodes.map((n) => n.payload)).toEqual(sums);
  });

  it("says why when the booted image is not in the catalog, and refuses a malformed pullspec with Zincati's error shape", async () => {
    const unknown = `quay.io/fedora/fedora-coreos@sha256:${"99".repeat(32)}`;
    const { status, body } = await graph(ociQuery(0, { os_checksum: unknown }));
    expect(status).toBe(200);
    expect(nextUpdate(body, unknown)).toBeNull();
    expect((await getHost(t.database.db, NODE))?.holdReason).toBe(`booted image pullspec ${unknown} is not in the catalog for this stream and architecture: Zincati finds no update until a release with it is added`);
    // zincati src/cincinnati/client.rs:38-45: errors are {kind, value}.
    const bad = await graph(ociQuery(0, { os_checksum: "quay.io/fedora/fedora-coreos:stable" }));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ kind: "invalid_params", value: "os_checksum: with oci=true, an image pullspec: must name a digest (…@sha256:<hex>), not only a tag" });
    const notBool = await graph(ociQuery(0, { oci: "1" }));
    expect(notBool.status).toBe(400);
  });
});
