import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import type { Graph } from "@/lib/cincinnati/graph";
import type { FcosHostGuidance } from "@/lib/cincinnati/manual-step";
import { fcosRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";

const versions = ["40.20240301.3.0", "40.20240316.3.0", "40.20240401.3.0"];
const sums = ["a1", "b2", "c3"].map((p) => p.repeat(32));
const images = ["d4", "e5", "f6"].map((p) => `quay.io/fedora/fedora-coreos@sha256:${p.repeat(32)}`);
const machine = (i: number) => `fc05${String(i).padStart(28, "0")}`;

/**
 * Zincati's graph query (zincati src/identity/mod.rs:133-156): the booted version and its
 * OSTree checksum (or image pullspec with oci=true) is all a host ever says about itself, so
 * every poll is its report.
 */
function poll(i: number, version: number, opts: { oci?: boolean; group?: string } = {}) {
  return new URLSearchParams({
    basearch: "x86_64",
    stream: "stable",
    os_version: versions[version]!,
    os_checksum: opts.oci ? images[version]! : sums[version]!,
    ...(opts.oci ? { oci: "true" } : {}),
    group: opts.group ?? "workers",
    node_uuid: machine(i),
    platform: "metal",
  });
}

describe.each(testDatabases())("FCOS previous deployments and rollbacks on $name", (target) => {
  const t = useOperatorServer(target, {
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
      const rels = await createReleases(db, SYSTEM_ACTOR, versions.map((v, i) => ({ ...fcosRelease(v, sums[i]!), ociPullspec: images[i]! })), "release.import");
      await setChannelTarget(db, SYSTEM_ACTOR, "fcos-stable", { releaseId: rels[2]!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    },
  });
  const graph = async (q: URLSearchParams) => {
    const res = await fetch(`${t.server.url}/v1/graph?${q.toString()}`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(200);
    return (await res.json()) as Graph;
  };
  const api = async <T,>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.server.url}${path}`, { method, headers: { authorization: `Bearer ${t.users.operator.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const hostPage = async (i: number) => (await api<{ previousVersion: string | null; previousDeploymentId: string | null; holdReason: string | null; fcosGuidance: FcosHostGuidance | null }>("GET", `/api/v1/hosts/${machine(i)}`)).body;

  it("records every updated host's previous version and deployment from its polls alone", async () => {
    // 40 hosts: 0–19 go 0 → 2, 20–39 go 0 → 1 → 2, all polling concurrently (batched ingest).
    await Promise.all(Array.from({ length: 40 }, (_, i) => graph(poll(i, 0))));
    expect((await getHost(t.database.db, machine(0)))?.previousVersion).toBeNull();
    await Promise.all(Array.from({ length: 20 }, (_, i) => graph(poll(20 + i, 1))));
    await Promise.all(Array.from({ length: 40 }, (_, i) => graph(poll(i, 2))));
    // Polls on the same version change nothing recorded.
    await Promise.all(Array.from({ length: 40 }, (_, i) => graph(poll(i, 2))));
    const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => getHost(t.database.db, machine(i))));
    const withPrevious = rows.filter((h) => h?.previousVersion !== null).length;
    expect(withPrevious).toBe(40);
    expect(rows[0]).toMatchObject({ osVersion: versions[2], deploymentId: sums[2], previousVersion: versions[0], previousDeploymentId: sums[0] });
    expect(rows[25]).toMatchObject({ osVersion: versions[2], deploymentId: sums[2], previousVersion: versions[1], previousDeploymentId: sums[1] });
    // The history says the same: each version change is an update from the version before.
    const history = await api<{ items: Array<{ change: string | null; fromVersion: string | null; osVersion: string }> }>("GET", `/api/v1/hosts/${machine(25)}/history`);
    expect(history.body.items.filter((r) => r.change === "update").map((r) => [r.fromVersion, r.osVersion])).toEqual([
      [versions[1], versions[2]],
      [versions[0], versions[1]],
    ]);
  });

  it("a bulk rollback of FCOS hosts says who, why and the command on each host's page; no edge is served", async () => {
    const preview = await api<{ matched: number }>("POST", "/api/v1/pins/bulk", { filter: `group=workers&version=${versions[2]}`, version: versions[0], reason: "NFS mounts hang after the kernel update", rollback: true, preview: true });
    expect(preview.body.matched).toBe(40);
    const applied = await api<{ pinned: number }>("POST", "/api/v1/pins/bulk", { filter: `group=workers&version=${versions[2]}`, version: versions[0], reason: "NFS mounts hang after the kernel update", rollback: true });
    expect(applied.status).toBe(200);
    const owner = t.users.operator.email;
    // Zincati never downgrades (zincati src/cincinnati/mod.rs:308-315): the graph leads nowhere.
    const g = await graph(poll(0, 2));
    expect(g.edges).toEqual([]);
    await graph(poll(25, 2));
    const first = await hostPage(0);
    expect(first.holdReason).toBe(
      `rollback to ${versions[0]} ordered by ${owner}: NFS mounts hang after the kernel update. Zincati never downgrades: on the host run \`sudo rpm-ostree rollback -r\` if ${versions[0]} is its previous deployment, else \`sudo rpm-ostree deploy --reboot --skip-branch-check revision=${sums[0]}\``,
    );
    // Host 0's previous deployment is the wanted one: rpm-ostree rollback.
    expect(first.fcosGuidance).toMatchObject({ kind: "rollback", status: "pending", owner, reason: "NFS mounts hang after the kernel update", scope: "host", version: versions[0], step: { kind: "rollback", command: "sudo rpm-ostree rollback -r" } });
    // Host 25 came through 40.20240316: its rollback deployment is not the wanted one.
    expect((await hostPage(25)).fcosGuidance).toMatchObject({ status: "pending", step: { kind: "deploy", command: `sudo rpm-ostree deploy --reboot --skip-branch-check revision=${sums[0]}` } });
  });

  it("after the host's operator rolls back, the host page says it is done, by whom and why, and the previous version is the abandoned one", async () => {
    await graph(poll(0, 0));
    const page = await hostPage(0);
    expect(page).toMatchObject({ previousVersion: versions[2], previousDeploymentId: sums[2] });
    expect(page.holdReason).toBe(`rolled back to ${versions[0]} by ${t.users.operator.email}: NFS mounts hang after the kernel update`);
    expect(page.fcosGuidance).toMatchObject({ status: "done", step: null });
  });

  it("an FCOS host booted from an image is told to deploy the image digest", async () => {
    await graph(poll(100, 2, { oci: true, group: "image-hosts" }));
    const pin = await api("POST", `/api/v1/hosts/${machine(100)}/rollback`, { toVersion: versions[1], reason: "podman regression" });
    expect(pin.status).toBe(201);
    await graph(poll(100, 2, { oci: true, group: "image-hosts" }));
    const page = await hostPage(100);
    expect(page.holdReason).toContain(`else \`sudo rpm-ostree deploy --reboot sha256:${"e5".repeat(32)}\``);
    expect(page.fcosGuidance).toMatchObject({ kind: "rollback", status: "pending", owner: t.users.operator.email, reason: "podman regression", step: { kind: "deploy", command: `sudo rpm-ostree deploy --reboot sha256:${"e5".repeat(32)}` } });
  });
});
