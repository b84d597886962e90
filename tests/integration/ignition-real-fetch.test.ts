import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createAssignment, getConfig, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { testDatabases } from "../helpers/databases";
import { realIgnitionMissing, runIgnitionFetch } from "../helpers/real-ignition";
import { useTestServer } from "../helpers/server";

// The real Ignition fetch stage (Debian's ignition 2.14; protocols.md §5) against Flotilla.
// What it does with an answer (coreos/ignition, fetched at a5d574a8):
// - internal/resource/http.go:303-316 `shouldRetryHttp`: every status >= 500 is retried, with
//   backoff, until `timeouts.httpTotal` — and there is none in the initramfs by default, so a
//   5xx for a config that cannot change means a host that never boots (2.14: http.go:301
//   `if resp.StatusCode < 500`).
// - internal/resource/url.go:396-403: 200/204 succeed, 404 is "resource not found", any other
//   status fails the fetch at once.
// - the body is then checked against `verification.hash` (url.go:405 decompressCopyHashAndVerify).

const templated = JSON.stringify({
  ignition: { version: "3.3.0" },
  storage: { files: [{ path: "/etc/hostname", mode: 420, overwrite: true, contents: { source: "data:,{{hostname}}" } }] },
});

describe.skipIf(realIgnitionMissing !== null).each(testDatabases())("real Ignition fetch stage on $name", (target) => {
  const t = useTestServer(target);

  it("the name+version URL of a templated config fails fast instead of a 5xx retried forever", async () => {
    const db = t.database.db;
    await saveConfigVersion(db, SYSTEM_ACTOR, "edge", { format: "ignition", source: templated, message: "", draft: false });
    await publishConfigVersion(db, SYSTEM_ACTOR, "edge", 1, null);
    const v1 = (await getConfig(db, "edge"))!.versions[0]!;
    const bare = await fetch(`${t.server.url}/ignition/configs/edge/1.ign`);
    expect(bare.status).toBeLessThan(500);
    const run = await runIgnitionFetch(`${t.server.url}/ignition/configs/edge/1.ign`, v1.sha512 ? `sha512-${v1.sha512}` : null);
    expect(run.code).not.toBe(0);
    expect(run.log).not.toContain("attempt #2");
    // With the variable in the query the bytes differ from any hash shown for the version.
    const withQuery = await runIgnitionFetch(`${t.server.url}/ignition/configs/edge/1.ign?hostname=h1`, v1.sha512 ? `sha512-${v1.sha512}` : null);
    expect(withQuery.code).not.toBe(0);
  }, 30_000);

  it("fetches a templated config through the URL and hash the UI shows", async () => {
    const db = t.database.db;
    await createAssignment(db, SYSTEM_ACTOR, { name: "edge-1", configId: "edge", version: null, selectors: { mac: "52:54:00:12:34:56" }, variables: { hostname: "edge-1" } });
    // What the UI shows editors for the assignment (components/ignition/assignments-panel.tsx).
    const shown = (await getConfig(db, "edge", { capabilities: true }))!.assignments[0]!.served;
    expect(shown.problem).toBeNull();
    const run = await runIgnitionFetch(`${t.server.url}${shown.path}`, `sha512-${shown.sha512}`);
    expect(run.log).toContain("GET result: OK");
    expect(run.code, run.log).toBe(0);
    expect(run.cached).toContain("data:,edge-1");
    // The same URL with any other hash is refused by Ignition's verification.
    const wrong = await runIgnitionFetch(`${t.server.url}${shown.path}`, `sha512-${"0".repeat(128)}`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.log).toMatch(/hash|mismatch/i);
  }, 30_000);

  it("fetches a secret-free config through its name+version URL and shown hash", async () => {
    const db = t.database.db;
    await saveConfigVersion(db, SYSTEM_ACTOR, "motd", { format: "ignition", source: JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: "data:,hello" } }] } }), message: "", draft: false });
    const v = (await getConfig(db, "motd"))!.versions[0]!;
    const run = await runIgnitionFetch(`${t.server.url}${v.mergePath}`, `sha512-${v.sha512}`);
    expect(run.code, run.log).toBe(0);
  }, 30_000);

  it("fetches a config holding secrets through the capability URL the UI shows", async () => {
    const db = t.database.db;
    const secret = JSON.stringify({ ignition: { version: "3.3.0" }, passwd: { users: [{ name: "core", passwordHash: "$6$abc" }] } });
    await saveConfigVersion(db, SYSTEM_ACTOR, "secret", { format: "ignition", source: secret, message: "", draft: false });
    await publishConfigVersion(db, SYSTEM_ACTOR, "secret", 1, null);
    expect((await getConfig(db, "secret"))!.versions[0]!.mergePath).toBeNull();
    const guess = await runIgnitionFetch(`${t.server.url}/ignition/configs/secret/1.ign`, null);
    expect(guess.code).not.toBe(0);
    await createAssignment(db, SYSTEM_ACTOR, { name: "secret-all", configId: "secret", version: null, selectors: { role: "db" } });
    const shown = (await getConfig(db, "secret", { capabilities: true }))!.assignments[0]!.served;
    const run = await runIgnitionFetch(`${t.server.url}${shown.path}`, `sha512-${shown.sha512}`);
    expect(run.code, run.log).toBe(0);
    expect(run.cached).toContain("$6$abc");
  }, 30_000);
});

if (realIgnitionMissing) {
  describe("real Ignition fetch stage", () => {
    it.skip(`skipped: ${realIgnitionMissing}`, () => {});
  });
}
