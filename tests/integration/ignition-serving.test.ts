import { describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createAssignment, diffVersions, getConfig, hostFetches, publishConfigVersion, restoreConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { sha512Hex } from "@/lib/ignition/hash";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const cfg = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA core@example"], passwordHash: "$6$secret-hash" }] }, ...extra }, null, 2);

const plainCfg = (extra: Record<string, unknown> = {}) => JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA core@example"] }] }, ...extra }, null, 2);

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

  it("serves by the most specific selectors, renders the assignment's variables, and records each fetch", async () => {
    const db = t.database.db;
    await saveConfigVersion(db, SYSTEM_ACTOR, "plain", { format: "ignition", source: plainCfg(hostnameFile("w1")), message: "", draft: false });
    await publishConfigVersion(db, SYSTEM_ACTOR, "plain", 1, null);
    await saveConfigVersion(db, SYSTEM_ACTOR, "per-host", { format: "ignition", source: plainCfg(hostnameFile("{{hostname}}")), message: "", draft: false });
    await publishConfigVersion(db, SYSTEM_ACTOR, "per-host", 1, null);
    // A variable without a value is caught when assigning, not when a host boots.
    await expect(createAssignment(db, SYSTEM_ACTOR, { name: "berlin", configId: "per-host", version: null, selectors: { site: "berlin" } })).rejects.toMatchObject({ code: "bad_request", fields: [expect.objectContaining({ path: "variables.hostname" })] });
    await createAssignment(db, SYSTEM_ACTOR, { name: "berlin", configId: "per-host", version: null, selectors: { site: "berlin" }, variables: { hostname: 'edge"x' } });
    await createAssignment(db, SYSTEM_ACTOR, { name: "one-mac", configId: "plain", version: 1, selectors: { site: "berlin", mac: "5254.00AA.BBCC" } });

    const get = (q: string) => fetch(`${t.server.url}/ignition?${q}`, { headers: { accept: "application/vnd.coreos.ignition+json;version=3.3.0" } });
    // Without a default, a request nothing matches fails the boot with 404.
    expect((await get("site=munich")).status).toBe(404);
    await createAssignment(db, SYSTEM_ACTOR, { name: "default", configId: "plain", version: null, selectors: {} });
    const def = await get("uuid=4f3c2b1a-9d8e-7f6a-5b4c-3d2e1f0a9b8c");
    expect(def.status).toBe(200);
    expect(def.headers.get("content-type")).toBe("application/vnd.coreos.ignition+json");
    const defBody = await def.text();
    expect(JSON.parse(defBody)).toMatchObject({ storage: { files: [{ contents: { source: "data:,w1" } }] } });

    // Values come from the assignment; the request cannot change what is served.
    const berlin = await get("site=berlin&hostname=other%0AExecStart%3D%2Fbin%2Fevil");
    expect(berlin.status).toBe(200);
    const berlinBody = await berlin.text();
    expect(JSON.parse(berlinBody).storage.files[0].contents.source).toBe("data:,edge%22x");
    const shown = (await getConfig(db, "per-host", { capabilities: true }))!.assignments[0]!.served;
    expect(sha512Hex(berlinBody)).toBe(shown.sha512);

    // A MAC in any form net.ParseMAC accepts matches the assignment with two selectors.
    for (const mac of ["52-54-00-aa-bb-cc", "52:54:00:AA:BB:CC", "5254.00aa.bbcc"]) expect((await (await get(`site=berlin&mac=${mac}`)).json()).storage.files[0].contents.source).toBe("data:,w1");

    const fetches = await hostFetches(db, "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c");
    expect(fetches).toEqual([expect.objectContaining({ configId: "plain", version: 1, sha512: sha512Hex(defBody) })]);
  });

  it("an assignment to an unpublished config answers 404 (never 500) until it is published", async () => {
    const db = t.database.db;
    await saveConfigVersion(db, SYSTEM_ACTOR, "later", { format: "ignition", source: plainCfg(hostnameFile("later")), message: "", draft: false });
    await createAssignment(db, SYSTEM_ACTOR, { name: "rack-9", configId: "later", version: null, selectors: { rack: "r9" } });
    const res = await fetch(`${t.server.url}/ignition?rack=r9`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no published version/);
    expect((await getConfig(db, "later", { capabilities: true }))!.assignments[0]!.served).toMatchObject({ path: null, problem: "the config has no published version" });
    await publishConfigVersion(db, SYSTEM_ACTOR, "later", 1, null);
    expect((await fetch(`${t.server.url}/ignition?rack=r9`)).status).toBe(200);
  });

  it("refuses to publish a version a following assignment cannot serve, and values that would inject lines", async () => {
    const db = t.database.db;
    const unit = (extra: string) => plainCfg({ systemd: { units: [{ name: "site.service", contents: `[Service]\nEnvironment=SITE={{hostname}}${extra}\n` }] } });
    await saveConfigVersion(db, SYSTEM_ACTOR, "per-host", { format: "ignition", source: unit(" {{site_code}}"), message: "needs site_code", draft: false });
    await expect(publishConfigVersion(db, SYSTEM_ACTOR, "per-host", 2, null)).rejects.toMatchObject({ code: "conflict", fields: [{ path: "assignments.berlin", message: "no value for variable(s) site_code" }] });
    await saveConfigVersion(db, SYSTEM_ACTOR, "unit", { format: "ignition", source: unit(""), message: "", draft: false });
    await publishConfigVersion(db, SYSTEM_ACTOR, "unit", 1, null);
    // The API refuses control characters in values (lib/operator/ignition-schemas.ts); the
    // data layer refuses them by where they would land, for any caller.
    await expect(createAssignment(db, SYSTEM_ACTOR, { name: "inject", configId: "unit", version: null, selectors: { mac: "52:54:00:00:00:09" }, variables: { hostname: "h\nExecStartPre=/bin/evil" } })).rejects.toMatchObject({ code: "bad_request", fields: [{ path: "variables.hostname", message: expect.stringMatching(/systemd unit text.*one line/) }] });
    await expect(createAssignment(db, SYSTEM_ACTOR, { name: "bad-mac", configId: "unit", version: null, selectors: { mac: "52:54:00:00:00" }, variables: { hostname: "h" } })).rejects.toMatchObject({ fields: [{ path: "selectors.mac" }] });
  });

  it("serves immutable name+version URLs only for configs the same for every host with no secrets", async () => {
    const db = t.database.db;
    const body = await (await fetch(`${t.server.url}/ignition/configs/plain/1.ign`)).text();
    const plain = (await getConfig(db, "plain"))!.versions.find((v) => v.version === 1)!;
    expect(plain.mergePath).toBe("/ignition/configs/plain/1.ign");
    expect(sha512Hex(body)).toBe(plain.sha512);
    // Templated: no hash is shown for the version, and its name+version URL fails fast (4xx).
    const perHost = (await getConfig(db, "per-host"))!.versions.find((v) => v.version === 1)!;
    expect(perHost).toMatchObject({ sha512: null, mergePath: null, variables: ["hostname"] });
    for (const q of ["", "?hostname=h1"]) {
      const res = await fetch(`${t.server.url}/ignition/configs/per-host/1.ign${q}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/per-host values for hostname/);
    }
    expect((await fetch(`${t.server.url}/ignition/configs/worker/3.ign`)).status).toBe(404); // draft
    expect((await fetch(`${t.server.url}/ignition/configs/worker/99.ign`)).status).toBe(404);
    expect((await fetch(`${t.server.url}/ignition/configs/../../etc/passwd`)).status).toBe(404);
  });

  it("serves configs that hold secrets only through per-assignment capability URLs", async () => {
    const db = t.database.db;
    await publishConfigVersion(db, SYSTEM_ACTOR, "worker", 2, null);
    // worker holds a password hash: neither its guessable name+version URL nor selectors serve it.
    expect((await fetch(`${t.server.url}/ignition/configs/worker/2.ign`)).status).toBe(404);
    await createAssignment(db, SYSTEM_ACTOR, { name: "workers", configId: "worker", version: null, selectors: { role: "worker" } });
    expect((await fetch(`${t.server.url}/ignition?role=worker`)).status).toBe(404);
    const viewer = (await getConfig(db, "worker"))!;
    expect(viewer.versions.find((v) => v.version === 2)).toMatchObject({ sha512: null, mergePath: null, secrets: ["password hash"] });
    expect(viewer.assignments[0]!.served).toMatchObject({ bootPath: null, path: null });
    expect(JSON.stringify(viewer)).not.toMatch(/\/ignition\/a\//);
    const served = (await getConfig(db, "worker", { capabilities: true }))!.assignments[0]!.served;
    expect(served.bootPath).toMatch(/^\/ignition\/a\/[A-Za-z0-9_-]{43}$/);
    const boot = await fetch(`${t.server.url}${served.bootPath}?uuid=5f3c2b1a-9d8e-7f6a-5b4c-3d2e1f0a9b8c`);
    expect(boot.status).toBe(200);
    const text = await boot.text();
    expect(text).toContain("$6$secret-hash");
    expect(sha512Hex(await (await fetch(`${t.server.url}${served.path}`)).text())).toBe(served.sha512);
    expect(sha512Hex(text)).toBe(served.sha512);
    expect((await fetch(`${t.server.url}${served.bootPath!.slice(0, -1)}A`)).status).toBe(404);
    // The fetch log (shown to viewers on the host page) never holds the capability.
    const [f] = await hostFetches(db, "5f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c");
    expect(f!.url).toBe("/ignition/a/[assignment:workers]");
  });
});
