import { describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createAssignment, diffVersions, getConfig, hostFetches, publishConfigVersion, restoreConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { sha512Hex } from "@/lib/ignition/hash";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const cfg = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA core@example"], passwordHash: "$6$secret-hash" }] }, ...extra }, null, 2);

const hostnameFile = (name: string) => ({ storage: { files: [{ path: "/etc/hostname", mode: 420, overwrite: true, contents: { source: `data:,${name}` } }] } });

describe.each(testDatabases())("Ignition configs on $name", (target) => {
  const t = useTestServer(target);

  it("saves immutable versions, refuses invalid ones unless drafted, diffs and restores", async () => {
    await saveConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: cfg(), message: "first", draft: false }, "workers");
    await saveConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: cfg(hostnameFile("w1")), message: "hostname", draft: false });
    await expect(saveConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"relative"}]}}', message: "bad", draft: false })).rejects.toMatchObject({
      code: "bad_request",
      fields: [expect.objectContaining({ path: "$.storage.files.0.path" })],
    });
    const draft = await saveConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", { format: "ignition", source: "{ not json", message: "wip", draft: true });
    expect(draft).toMatchObject({ version: 3, draft: true, rendered: null, sha512: null });
    const diff = await diffVersions(t.database.db, "worker", 1, 2, false);
    expect(diff).toMatch(/\+\s+"path": "\/etc\/hostname"/);
    const restored = await restoreConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", 1, "");
    expect(restored).toMatchObject({ version: 4, restoredFrom: 1, message: "restore version 1", draft: false });
    const c = await getConfig(t.database.db, "worker");
    expect(c?.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    await expect(publishConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", 3, null)).rejects.toMatchObject({ code: "conflict" });
  });

  it("keeps secrets out of the audit log and out of redacted diffs", async () => {
    const audit = await listAudit(t.database.db, { targetType: "ignition_config", targetId: "worker", limit: 10 });
    expect(audit.items.length).toBeGreaterThanOrEqual(4);
    const dump = JSON.stringify(audit.items);
    expect(dump).not.toContain("$6$secret-hash");
    expect(dump).toContain("[redacted]");
    expect(await diffVersions(t.database.db, "worker", 1, 2, true)).not.toContain("$6$secret-hash");
  });

  it("serves by the most specific selectors, renders variables, and records each fetch", async () => {
    await publishConfigVersion(t.database.db, SYSTEM_ACTOR, "worker", 2, "go");
    await saveConfigVersion(t.database.db, SYSTEM_ACTOR, "per-host", { format: "ignition", source: cfg(hostnameFile("{{hostname}}")), message: "", draft: false });
    await publishConfigVersion(t.database.db, SYSTEM_ACTOR, "per-host", 1, null);
    await createAssignment(t.database.db, SYSTEM_ACTOR, { name: "berlin", configId: "per-host", version: null, selectors: { site: "berlin" } });
    await createAssignment(t.database.db, SYSTEM_ACTOR, { name: "one-mac", configId: "worker", version: 1, selectors: { site: "berlin", mac: "52:54:00:AA:BB:CC" } });

    const get = (q: string) => fetch(`${t.server.url}/ignition?${q}`, { headers: { accept: "application/vnd.coreos.ignition+json;version=3.3.0" } });
    // Without a default, a request nothing matches fails the boot with 404.
    expect((await get("site=munich")).status).toBe(404);
    await createAssignment(t.database.db, SYSTEM_ACTOR, { name: "default", configId: "worker", version: null, selectors: {} });
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

    const fetches = await hostFetches(t.database.db, "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c");
    expect(fetches).toEqual([expect.objectContaining({ configId: "worker", version: 2, sha512: sha512Hex(defBody) })]);
  });

  it("serves immutable per-version URLs whose hash is the one shown", async () => {
    expect((await fetch(`${t.server.url}/ignition/configs/worker/2.ign`)).status).toBe(200);
    const body = await (await fetch(`${t.server.url}/ignition/configs/worker/2.ign`)).text();
    const row = (await getConfig(t.database.db, "worker"))!.versions.find((v) => v.version === 2)!;
    expect(sha512Hex(body)).toBe(row.sha512);
    expect((await fetch(`${t.server.url}/ignition/configs/worker/3.ign`)).status).toBe(404); // draft
    expect((await fetch(`${t.server.url}/ignition/configs/worker/99.ign`)).status).toBe(404);
    expect((await fetch(`${t.server.url}/ignition/configs/../../etc/passwd`)).status).toBe(404);
  });
});
