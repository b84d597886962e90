import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { listReleases } from "@/db/queries/releases";
import { getSyncSource, listSyncSources } from "@/db/queries/sync";
import { runDueSyncSources, type SyncConfig } from "@/server/release-sync";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";
import { fcosChecksumOf, fcosPullspecOf, startFcosUpstream, startFlatcarUpstream, type FcosUpstream, type FlatcarUpstream } from "../helpers/upstreams";

const mirrorDir = mkdtempSync(path.join(os.tmpdir(), "flotilla-mirror-"));
// The operator routes read the process environment; the agent server gets the same value.
process.env.FLOTILLA_MIRROR_DIR = mirrorDir;

describe.each(testDatabases())("release sync against local upstreams on $name", (target) => {
  let flatcar: FlatcarUpstream;
  let fcos: FcosUpstream;
  beforeAll(async () => {
    flatcar = await startFlatcarUpstream({ stable: { version: "4152.2.0", extensions: { "oem-azure.gz": "azure oem sysext" } }, beta: { version: "4230.1.0" } });
    fcos = await startFcosUpstream({
      stable: [{ version: "41.20241027.3.0" }, { version: "41.20241109.3.0", barrier: "pass through before the f42 rebase" }, { version: "42.20250410.3.0", oci: true }],
    });
  });
  afterAll(async () => {
    await flatcar?.close();
    await fcos?.close();
  });
  const t = useOperatorServer(target, {
    env: { FLOTILLA_SYNC_TICK_SECONDS: "0", FLOTILLA_MIRROR_DIR: mirrorDir },
    seed: async (db) => {
      for (const id of ["stable", "beta"]) await createChannel(db, SYSTEM_ACTOR, { id, osFamily: "flatcar", description: "" });
      await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
    },
  });
  const cfg = (): SyncConfig => ({ retryBaseSeconds: 60, timeoutMs: 5_000, mirror: { dir: mirrorDir, baseUrl: t.server.url, timeoutMs: 10_000 } });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${t.server.url}${p}`, { method, headers: { authorization: `Bearer ${t.users.operator.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const run = async (id: string) => (await runDueSyncSources(t.database.db, cfg(), { id, force: true }))[0]!;

  it("asks upstream as a fresh host would and imports payload URL, size, SHA-1, base64 SHA-256 and extension payloads", async () => {
    const created = await api("POST", "/api/v1/sync-sources", { kind: "flatcar", channelId: "stable", arch: "amd64", upstreamUrl: flatcar.omahaUrl, enabled: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: "stable-amd64", upstreamChannel: "stable", enabled: false, nextRunAt: null });
    const result = await run("stable-amd64");
    expect(result).toEqual({ sourceId: "stable-amd64", ok: true, added: [{ version: "4152.2.0", arch: "amd64", action: "created" }], error: null });
    // The check: version 0.0.0 on the channel's track and the arch's board (Nebraska's syncer sends the same).
    expect(flatcar.requests[0]).toMatch(/<app appid="\{e96281a6-d1af-4bde-9a0a-97b76e56dc57\}" version="0\.0\.0" track="stable"[^>]*board="amd64-usr"/);
    expect(flatcar.requests[0]).toContain(`sp="0.0.0_x86_64"`);
    const main = flatcar.fileOf("amd64-usr", "4152.2.0", "flatcar_production_update.gz");
    const ext = flatcar.fileOf("amd64-usr", "4152.2.0", "oem-azure.gz");
    const [rel] = await listReleases(t.database.db, { channelId: "stable" });
    expect(rel).toMatchObject({
      osFamily: "flatcar",
      version: "4152.2.0",
      arch: "amd64",
      payloadUrl: `${flatcar.url}/amd64-usr/4152.2.0/`,
      payloadName: "flatcar_production_update.gz",
      sizeBytes: main.bytes.length,
      sha1Base64: main.sha1Base64,
      sha256Base64: main.sha256Base64,
      extensionPayloads: [{ name: "oem-azure.gz", url: `${flatcar.url}/amd64-usr/4152.2.0/oem-azure.gz`, sizeBytes: ext.bytes.length, sha1Base64: ext.sha1Base64, sha256Base64: ext.sha256Base64 }],
      channelIds: ["stable"],
    });
    const audit = await listAudit(t.database.db, { action: "release.sync", limit: 5 });
    expect(audit.items[0]).toMatchObject({ actorEmail: "release-sync", targetId: "stable-amd64", after: { changes: [{ version: "4152.2.0", action: "created" }] } });
    const [state] = (await listSyncSources(t.database.db)).filter((s) => s.id === "stable-amd64");
    expect(state).toMatchObject({ failures: 0, lastError: null, lastAdded: [{ version: "4152.2.0", action: "created" }], leaseUntil: null });
    expect(state!.recentRuns[0]).toMatchObject({ ok: true, added: [{ version: "4152.2.0" }] });
  });

  it("never imports a release twice, even when two runs race", async () => {
    const again = await run("stable-amd64");
    expect(again).toMatchObject({ ok: true, added: [] });
    const [a, b] = await Promise.all([runDueSyncSources(t.database.db, cfg(), { id: "stable-amd64", force: true }), runDueSyncSources(t.database.db, cfg(), { id: "stable-amd64", force: true })]);
    // A source is leased to one run at a time; the other finds nothing to claim.
    expect([...a, ...b].length).toBeLessThanOrEqual(2);
    const rows = await t.database.db.execute(sql`select count(*)::int as n from releases where version = '4152.2.0'`);
    expect((rows as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(1);
  });

  it("answers garbage with a clear error, imports nothing and backs off, doubling; a good answer resets it", async () => {
    flatcar.tracks.set("stable", { version: "4152.3.0" });
    flatcar.mode = "garbage";
    const before = Date.now();
    const first = await run("stable-amd64");
    expect(first.ok).toBe(false);
    expect(first.error).toBe("garbage: upstream answered <html>, not an Omaha 3.0 <response>");
    let s = (await getSyncSource(t.database.db, "stable-amd64"))!;
    expect(s.failures).toBe(1);
    expect(s.nextRunAt!.getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(s.nextRunAt!.getTime() - Date.now()).toBeLessThanOrEqual(61_000);
    flatcar.mode = "error500";
    expect((await run("stable-amd64")).error).toBe(`upstream: ${flatcar.omahaUrl} answered HTTP 500`);
    s = (await getSyncSource(t.database.db, "stable-amd64"))!;
    expect(s.failures).toBe(2);
    expect(s.nextRunAt!.getTime() - Date.now()).toBeGreaterThan(115_000);
    expect((await listReleases(t.database.db, { channelId: "stable" })).map((r) => r.version)).toEqual(["4152.2.0"]);
    flatcar.mode = "ok";
    expect(await run("stable-amd64")).toMatchObject({ ok: true, added: [{ version: "4152.3.0", action: "created" }] });
    s = (await getSyncSource(t.database.db, "stable-amd64"))!;
    expect(s).toMatchObject({ failures: 0, lastError: null });
  });

  it("says so when upstream is down, and the sync job does not run disabled sources", async () => {
    const created = await api("POST", "/api/v1/sync-sources", { kind: "flatcar", channelId: "beta", arch: "amd64", upstreamUrl: "http://127.0.0.1:9/v1/update/", enabled: true, intervalMinutes: 30 });
    expect(created.status).toBe(201);
    const [down] = await runDueSyncSources(t.database.db, cfg());
    expect(down).toMatchObject({ sourceId: "beta-amd64", ok: false });
    expect(down!.error).toMatch(/^unreachable: fetch failed/);
    // Backing off: not due again yet, and the disabled stable source is never picked up by the job.
    expect(await runDueSyncSources(t.database.db, cfg())).toEqual([]);
    const patched = await api("PATCH", "/api/v1/sync-sources/beta-amd64", { upstreamUrl: flatcar.omahaUrl });
    expect(patched.status).toBe(200);
    expect(await run("beta-amd64")).toMatchObject({ ok: true, added: [{ version: "4230.1.0", action: "created" }] });
  });

  it("imports FCOS releases from stream metadata and the update graph: checksums, OCI pullspecs, barriers, dead ends", async () => {
    expect((await api("POST", "/api/v1/sync-sources", { kind: "fcos", channelId: "fcos-stable", arch: "amd64", upstreamUrl: fcos.streamUrl("stable"), graphUrl: fcos.graphUrl })).status).toBe(201);
    // Half an import is impossible: the database refuses the third release, and none of the three stays.
    await t.database.db.execute(sql.raw(`CREATE FUNCTION refuse_42() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.version = '42.20250410.3.0' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`));
    await t.database.db.execute(sql.raw(`CREATE TRIGGER refuse_42 BEFORE INSERT ON releases FOR EACH ROW EXECUTE FUNCTION refuse_42()`));
    const failed = await run("fcos-stable-amd64");
    expect(failed.ok).toBe(false);
    expect(await listReleases(t.database.db, { channelId: "fcos-stable" })).toEqual([]);
    await t.database.db.execute(sql.raw(`DROP TRIGGER refuse_42 ON releases`));

    const ok = await run("fcos-stable-amd64");
    expect(ok.added.map((a) => [a.version, a.action])).toEqual([
      ["41.20241027.3.0", "created"],
      ["41.20241109.3.0", "created"],
      ["42.20250410.3.0", "created"],
    ]);
    const rels = new Map((await listReleases(t.database.db, { channelId: "fcos-stable" })).map((r) => [r.version, r]));
    expect(rels.get("41.20241109.3.0")).toMatchObject({ ostreeChecksum: fcosChecksumOf("41.20241109.3.0", "x86_64"), barrier: true, barrierReason: "pass through before the f42 rebase", ociPullspec: null });
    expect(rels.get("42.20250410.3.0")).toMatchObject({ ostreeChecksum: fcosChecksumOf("42.20250410.3.0", "x86_64"), ociPullspec: fcosPullspecOf("42.20250410.3.0", "x86_64"), barrier: false });

    // Upstream marks a release a dead end: the next run copies the flag, audited.
    fcos.streams.get("stable")![0]!.deadend = "broken bootloader update";
    const flagged = await run("fcos-stable-amd64");
    expect(flagged.added).toEqual([{ version: "41.20241027.3.0", arch: "amd64", action: "updated_flags" }]);
    expect((await listReleases(t.database.db, { channelId: "fcos-stable" })).find((r) => r.version === "41.20241027.3.0")).toMatchObject({ deadend: true, deadendReason: "broken bootloader update" });

    fcos.mode = "garbage";
    expect((await run("fcos-stable-amd64")).error).toMatch(/^garbage: .*did not answer JSON/);
    fcos.mode = "ok";
  });

  it("mirrors a payload: every hash verified, served with Range and caching headers, hosts get Flotilla's URL", async () => {
    const [rel] = (await listReleases(t.database.db, { channelId: "stable" })).filter((r) => r.version === "4152.2.0");
    const res = await api("POST", `/api/v1/releases/${rel!.id}/mirror`);
    expect(res.status).toBe(200);
    expect(res.body.payloadUrl).toMatch(/\/v1\/payloads\/flatcar\/amd64\/4152\.2\.0\/$/);
    // Hosts are handed Flotilla's URL for the payload and its extensions.
    expect((await api("POST", "/api/v1/channels/stable/target", { releaseId: rel!.id, reason: "" })).status).toBe(200);
    const offer = await (
      await fetch(`${t.server.url}/v1/update/`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: `<?xml version="1.0" encoding="UTF-8"?><request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1"><os version="Chateau" platform="CoreOS" sp="4081.2.0_x86_64"></os><app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="4081.2.0" track="stable" machineid="${"d".repeat(32)}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck></app></request>`,
      })
    ).text();
    expect(offer).toContain(`<url codebase="${String(res.body.payloadUrl)}"></url>`);
    expect(offer).toContain(`<package name="oem-azure.gz"`);
    const main = flatcar.fileOf("amd64-usr", "4152.2.0", "flatcar_production_update.gz");
    const fileUrl = `${t.server.url}/v1/payloads/flatcar/amd64/4152.2.0/flatcar_production_update.gz`;

    const whole = await fetch(fileUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("base64")).toBe(main.sha256Base64);

    const part = await fetch(fileUrl, { headers: { range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${main.bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(main.bytes.subarray(1000, 2000))).toBe(true);
    expect((await fetch(fileUrl, { headers: { range: `bytes=${main.bytes.length}-` } })).status).toBe(416);
    expect((await fetch(fileUrl, { headers: { "if-none-match": whole.headers.get("etag")! } })).status).toBe(304);
    expect((await fetch(`${t.server.url}/v1/payloads/flatcar/amd64/4152.2.0/..%2f..%2fetc`)).status).toBe(404);
    const ext = await fetch(`${t.server.url}/v1/payloads/flatcar/amd64/4152.2.0/oem-azure.gz`);
    expect(Buffer.from(await ext.arrayBuffer()).toString()).toBe("azure oem sysext for amd64-usr 4152.2.0");

    const audit = await listAudit(t.database.db, { action: "release.mirror", limit: 1 });
    expect(audit.items[0]).toMatchObject({ actorEmail: t.users.operator.email, targetId: rel!.id });
  });

  it("refuses a mirror whose download does not match the release's hashes, keeping nothing", async () => {
    const [rel] = await listReleases(t.database.db, { channelId: "beta" });
    flatcar.mode = "corrupt-payload";
    const res = await api("POST", `/api/v1/releases/${rel!.id}/mirror`);
    flatcar.mode = "ok";
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain("hash_mismatch: flatcar_production_update.gz: SHA-1");
    const [after] = await listReleases(t.database.db, { channelId: "beta" });
    expect(after!.payloadUrl).toBe(rel!.payloadUrl);
    const dir = path.join(mirrorDir, "flatcar", "amd64", "4230.1.0");
    expect(readdirSafe(dir)).toEqual([]);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

afterAll(() => rmSync(mirrorDir, { recursive: true, force: true }));
