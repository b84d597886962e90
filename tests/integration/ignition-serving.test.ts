import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createAssignment, diffVersions, getConfig, hostFetches, publishConfigVersion, restoreConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { parseEnv } from "@/lib/config/env";
import { sha512Hex } from "@/lib/ignition/hash";
import { startServer, type RunningServer } from "@/server/app";
import { testDatabases } from "../helpers/databases";

const cfg = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA core@example"], passwordHash: "$6$secret-hash" }] }, ...extra }, null, 2);

const hostnameFile = (name: string) => ({ storage: { files: [{ path: "/etc/hostname", mode: 420, overwrite: true, contents: { source: `data:,${name}` } }] } });

describe.each(testDatabases())("Ignition configs on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  let server: RunningServer;

  beforeAll(async () => {
    database = await target.open();
    server = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" }), ui: false, database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  it("saves immutable versions, refuses invalid ones unless drafted, diffs and restores", async () => {
    await saveConfigVersion(database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: cfg(), message: "first", draft: false }, "workers");
    await saveConfigVersion(database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: cfg(hostnameFile("w1")), message: "hostname", draft: false });
    await expect(saveConfigVersion(database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"relative"}]}}', message: "bad", draft: false })).rejects.toMatchObject({
      code: "bad_request",
      fields: [expect.objectContaining({ path: "$.storage.files.0.path" })],
    });
    const draft = await saveConfigVersion(database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: "{ not json", message: "wip", draft: true });
    expect(draft).toMatchObject({ version: 3, draft: true, rendered: null, sha512: null });
    const diff = await diffVersions(database.db, "worker", 1, 2, false);
    expect(diff).toMatch(/\+\s+"path": "\/etc\/hostname"/);
    const restored = await restoreConfigVersion(database.db, SYSTEM_ACTOR, "worker", 1, "");
    expect(restored).toMatchObject({ version: 4, restoredFrom: 1, message: "restore version 1", draft: false });
    const c = await getConfig(database.db, "worker");
    expect(c?.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    await expect(publishConfigVersion(database.db, SYSTEM_ACTOR, "worker", 3, null)).rejects.toMatchObject({ code: "conflict" });
  });

  it("keeps secrets out of the audit log and out of redacted diffs", async () => {
    const audit = await listAudit(database.db, { targetType: "ignition_config", targetId: "worker", limit: 10 });
    expect(audit.items.length).toBeGreaterThanOrEqual(4);
    const dump = JSON.stringify(audit.items);
    expect(dump).not.toContain("$6$secret-hash");
    expect(dump).toContain("[redacted]");
    expect(await diffVersions(database.db, "worker", 1, 2, true)).not.toContain("$6$secret-hash");
  });

  it("serves by the most specific selectors, renders variables, and records each fetch", async () => {
    await publishConfigVersion(database.db, SYSTEM_ACTOR, "worker", 2, "go");
    await saveConfigVersion(database.db, SYSTEM_ACTOR, "per-host", { format: "ignition", source: cfg(hostnameFile("{{hostname}}")), message: "", draft: false });
    await publishConfigVersion(database.db, SYSTEM_ACTOR, "per-host", 1, null);
    await createAssignment(database.db, SYSTEM_ACTOR, { name: "berlin", configId: "per-host", version: null, selectors: { site: "berlin" } });
    await createAssignment(database.db, SYSTEM_ACTOR, { name: "one-mac", configId: "worker", version: 1, selectors: { site: "berlin", mac: "52:54:00:AA:BB:CC" } });

    const get = (q: string) => fetch(`${server.url}/ignition?${q}`, { headers: { accept: "application/vnd.coreos.ignition+json;version=3.3.0" } });
    // Without a default, a request nothing matches fails the boot with 404.
    expect((await get("site=munich")).status).toBe(404);
    await createAssignment(database.db, SYSTEM_ACTOR, { name: "default", configId: "worker", version: null, selectors: {} });
    const def = await get("uuid=4f3c2b1a-9d8e-7f6a-5b4c-3d2e1f0a9b8c");
    expect(def.status).toBe(200);
    expect(def.headers.get("content-type")).toBe("application/vnd.coreos.ignition+json");
    const defBody = await def.text();
    expect(JSON.parse(defBody)).toMatchObject({ storage: { files: [{ contents: { source: "data:,w1" } }] } });

    const berlin = await (await get("site=berlin&hostname=edge%22x")).json();
    expect(berlin.storage.files[0].contents.source).toBe("data:,edge%22x");

    // MAC given with dashes and upper case matches the assignment with two selectors.
    const mac = await (await get("site=berlin&mac=52-54-00-aa-bb-cc&hostname=h")).json();
    expect(mac.storage).toBeUndefined();

    // A config with a variable the request does not carry is not served half-rendered.
    expect((await get("site=berlin")).status).toBe(500);

    const fetches = await hostFetches(database.db, "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c");
    expect(fetches).toEqual([expect.objectContaining({ configId: "worker", version: 2, sha512: sha512Hex(defBody) })]);
  });

  it("serves immutable per-version URLs whose hash is the one shown", async () => {
    expect((await fetch(`${server.url}/ignition/configs/worker/2.ign`)).status).toBe(200);
    const body = await (await fetch(`${server.url}/ignition/configs/worker/2.ign`)).text();
    const row = (await getConfig(database.db, "worker"))!.versions.find((v) => v.version === 2)!;
    expect(sha512Hex(body)).toBe(row.sha512);
    expect((await fetch(`${server.url}/ignition/configs/worker/3.ign`)).status).toBe(404); // draft
    expect((await fetch(`${server.url}/ignition/configs/worker/99.ign`)).status).toBe(404);
    expect((await fetch(`${server.url}/ignition/configs/../../etc/passwd`)).status).toBe(404);
  });
});
