import { describe, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { flatcarRelease, PAYLOAD_HASHES } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";

const APP = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";

function check(version: string, track: string, machine: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
  <os version="Chateau" platform="CoreOS" sp="${version}_x86_64"></os>
  <app appid="${APP}" version="${version}" track="${track}" bootid="{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}" oem="qemu" machineid="${machine}" board="amd64-usr" delta_okay="false"><ping active="1"></ping><updatecheck></updatecheck></app>
</request>`;
}

const EXT_SHA1 = Buffer.alloc(20, 7).toString("base64");
const EXT_SHA256 = Buffer.alloc(32, 9).toString("base64");

describe.each(testDatabases())("release catalog: extension payloads and promotion on $name", (target) => {
  const t = useOperatorServer(target, {
    seed: async (db) => {
      for (const id of ["alpha", "beta", "stable"]) await createChannel(db, SYSTEM_ACTOR, { id, osFamily: "flatcar", description: "" });
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
    },
  });
  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${t.server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${t.users.operator.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const omaha = async (xml: string) => (await fetch(`${t.server.url}/v1/update/`, { method: "POST", headers: { "content-type": "text/xml" }, body: xml })).text();

  let releaseId = "";

  it("stores extension payloads with their URL under the payload's base and offers them after the main package", async () => {
    const created = await api("/api/v1/releases", {
      ...flatcarRelease("4100.0.0", "amd64", "alpha"),
      extensionPayloads: [{ name: "oem-azure.gz", sizeBytes: 2048, sha1Base64: EXT_SHA1, sha256Base64: EXT_SHA256 }],
    });
    expect(created.status).toBe(201);
    releaseId = created.body.id as string;
    expect(created.body.extensionPayloads).toEqual([{ name: "oem-azure.gz", url: "https://update.release.example/amd64-usr/4100.0.0/oem-azure.gz", sizeBytes: 2048, sha1Base64: EXT_SHA1, sha256Base64: EXT_SHA256 }]);
    await api("/api/v1/channels/alpha/target", { releaseId, reason: "" });
    const xml = await omaha(check("4000.0.0", "alpha", "b".repeat(32)));
    // update_engine reads the first package (omaha_request_action.cc ParsePackage); the extension follows it.
    expect(xml).toContain(
      `<packages><package name="flatcar_production_update.gz" hash="${PAYLOAD_HASHES.sha1}" size="364314900" required="true"></package>` +
        `<package name="oem-azure.gz" hash="${EXT_SHA1}" hash_sha256="${Buffer.alloc(32, 9).toString("hex")}" size="2048" required="false"></package></packages>`,
    );
  });

  it("refuses extension payloads Omaha could not serve, and on FCOS releases, with a 400 naming the field", async () => {
    const elsewhere = await api("/api/v1/releases", {
      ...flatcarRelease("4100.0.1", "amd64", "alpha"),
      extensionPayloads: [{ name: "oem-azure.gz", url: "https://other.example/oem-azure.gz", sizeBytes: 1, sha1Base64: EXT_SHA1, sha256Base64: EXT_SHA256 }],
    });
    expect(elsewhere.status).toBe(400);
    expect(JSON.stringify(elsewhere.body)).toContain("extensionPayloads.0.url");
    const dup = await api("/api/v1/releases", { ...flatcarRelease("4100.0.1", "amd64", "alpha"), extensionPayloads: [{ name: "flatcar_production_update.gz", sizeBytes: 1, sha1Base64: EXT_SHA1, sha256Base64: EXT_SHA256 }] });
    expect(dup.status).toBe(400);
    const fcos = await api("/api/v1/releases", { osFamily: "fcos", channelId: "fcos-stable", version: "41.1", arch: "amd64", ostreeChecksum: "a".repeat(64), extensionPayloads: [{ name: "x.gz", sizeBytes: 1, sha1Base64: EXT_SHA1, sha256Base64: EXT_SHA256 }] });
    expect(fcos.status).toBe(400);
  });

  it("promotes a release alpha → beta: the same build becomes targetable and offered on beta, audited", async () => {
    // Before promotion beta cannot point at an alpha build.
    expect((await api("/api/v1/channels/beta/target", { releaseId, reason: "" })).status).toBe(400);
    const promoted = await api(`/api/v1/releases/${releaseId}/promote`, { channelId: "beta", reason: "two weeks on alpha without incident" });
    expect(promoted.status).toBe(200);
    expect(promoted.body.channelIds).toEqual(["alpha", "beta"]);
    expect((await api("/api/v1/channels/beta/target", { releaseId, reason: "" })).status).toBe(200);
    expect(await omaha(check("4000.0.0", "beta", "c".repeat(32)))).toContain(`<manifest version="4100.0.0">`);

    const listed = await api("/api/v1/releases?channel=beta");
    expect((listed.body.items as Array<{ id: string; channelIds: string[] }>).map((r) => [r.id, r.channelIds])).toEqual([[releaseId, ["alpha", "beta"]]]);

    const audit = await listAudit(t.database.db, { action: "release.promote", limit: 5 });
    expect(audit.items[0]).toMatchObject({ actorEmail: t.users.operator.email, targetId: releaseId, reason: "two weeks on alpha without incident", before: { channels: ["alpha"] }, after: { channels: ["alpha", "beta"] } });
  });

  it("refuses a second promotion to the same channel (409), another family's channel (400), an unknown release (404) and viewers (403)", async () => {
    expect((await api(`/api/v1/releases/${releaseId}/promote`, { channelId: "beta" })).status).toBe(409);
    expect((await api(`/api/v1/releases/${releaseId}/promote`, { channelId: "fcos-stable" })).status).toBe(400);
    expect((await api(`/api/v1/releases/00000000-0000-4000-8000-000000000000/promote`, { channelId: "stable" })).status).toBe(404);
    const viewer = await fetch(`${t.server.url}/api/v1/releases/${releaseId}/promote`, { method: "POST", headers: { authorization: `Bearer ${t.users.viewer.token}`, "content-type": "application/json" }, body: JSON.stringify({ channelId: "stable" }) });
    expect(viewer.status).toBe(403);
    // Creating the same build again for another channel points at promotion.
    const again = await api("/api/v1/releases", flatcarRelease("4100.0.0", "amd64", "stable"));
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain("promote");
  });
});
