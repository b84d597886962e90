import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { getHost, hostHistory } from "@/db/queries/hosts";
import { createEnrollmentToken, revokeEnrollmentToken } from "@/db/queries/tokens";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const TOKEN = "integration-enrollment-token";
// The body from the foundation issue, verbatim.
const ISSUE_BODY = `{"machineId":"4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c","hostname":"edge-berlin-01","os":{"family":"flatcar","version":"4081.2.0","arch":"amd64"},"slot":"A","previousVersion":"3975.2.2","state":"idle","health":[{"name":"kubelet","ok":true}],"labels":{"site":"berlin"},"group":"edge-berlin"}`;

describe.each(testDatabases())("native agent endpoint on $name", (target) => {
  const t = useTestServer(target, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN } });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}/v1/agent/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
      body,
    });

  async function counts() {
    const [r] = rowsOf<{ hosts: number; reports: number }>(
      await t.database.db.execute(sql`SELECT (SELECT count(*)::int FROM hosts) AS hosts, (SELECT count(*)::int FROM host_reports) AS reports`),
    );
    return r!;
  }

  it("accepts the documented report and stores host and history", async () => {
    const res = await post(ISSUE_BODY);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: boolean; hostId: string; directive: { type: string }; nextReportInSeconds: number };
    expect(body).toMatchObject({ accepted: true, hostId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", directive: { type: "none" } });
    expect(body.nextReportInSeconds).toBeGreaterThanOrEqual(54);
    expect(body.nextReportInSeconds).toBeLessThanOrEqual(66);
    const host = await getHost(t.database.db, "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c");
    expect(host).toMatchObject({
      hostname: "edge-berlin-01",
      osFamily: "flatcar",
      osVersion: "4081.2.0",
      arch: "amd64",
      slot: "A",
      previousVersion: "3975.2.2",
      updateState: "idle",
      groupId: "edge-berlin",
      labels: { site: "berlin" },
      protocol: "native",
      health: [{ name: "kubelet", ok: true }],
    });
    expect((await hostHistory(t.database.db, "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", { limit: 5 })).items).toHaveLength(1);
  });

  it("normalizes braces, dashes and case in the machine id and arch names", async () => {
    const res = await post(
      JSON.stringify({ machineId: "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}", os: { family: "fcos", version: "40.20240416.3.1", arch: "x86_64" }, state: "idle" }),
    );
    expect(res.status).toBe(200);
    expect(await getHost(t.database.db, "aaaaaaaabbbbccccddddeeeeeeeeeeee")).toMatchObject({ arch: "amd64", groupId: "default" });
  });

  it.each([
    ["not JSON", "{nope", 400, /not valid JSON/],
    ["a schema violation", JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", os: { family: "windows", version: "1", arch: "amd64" }, state: "idle" }), 400, /os\.family/],
    ["a missing field", JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", os: { family: "flatcar", arch: "amd64" }, state: "idle" }), 400, /os\.version/],
    ["a bad machine id", JSON.stringify({ machineId: "xyz", os: { family: "flatcar", version: "1.2.3", arch: "amd64" }, state: "idle" }), 400, /machineId/],
    ["state error without error details", JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", os: { family: "flatcar", version: "1.2.3", arch: "amd64" }, state: "error" }), 400, /error: required when state is error/],
    ["a bad group name", JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", os: { family: "flatcar", version: "1.2.3", arch: "amd64" }, state: "idle", group: "a b" }), 400, /group/],
    ["a NUL character", JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", hostname: "a\u0000b", os: { family: "flatcar", version: "1.2.3", arch: "amd64" }, state: "idle" }), 400, /NUL/],
    ["a JSON array", "[]", 400, /invalid report/],
  ])("rejects %s with a clear 4xx and changes nothing", async (_what, body, status, message) => {
    const before = await counts();
    const res = await post(body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("answers 413 to a body over 64 KiB without storing anything", async () => {
    const before = await counts();
    const big = JSON.stringify({ machineId: "4f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c", hostname: "x".repeat(70_000), os: { family: "flatcar", version: "1.2.3", arch: "amd64" }, state: "idle" });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("answers 415 to a non-JSON content type and 401 to a wrong or missing token", async () => {
    expect((await post(ISSUE_BODY, { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(ISSUE_BODY, { authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
    const res = await fetch(`${t.server.url}/v1/agent/report`, { method: "POST", body: ISSUE_BODY });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("accepts enrollment tokens created by admins, and not once revoked", async () => {
    const created = await createEnrollmentToken(t.database.db, SYSTEM_ACTOR, { name: "site berlin", expiresAt: null });
    // Unknown tokens re-read the token table at most every 250 ms.
    await new Promise((r) => setTimeout(r, 300));
    expect((await post(ISSUE_BODY, { authorization: `Bearer ${created.token}` })).status).toBe(200);
    await revokeEnrollmentToken(t.database.db, SYSTEM_ACTOR, created.id);
    // The server caches active token hashes for 5 s; a revoked token stops working after that.
    await new Promise((r) => setTimeout(r, 5_200));
    expect((await post(ISSUE_BODY, { authorization: `Bearer ${created.token}` })).status).toBe(401);
  });

  it("answers 405 for a wrong method and leaves other paths to the UI", async () => {
    expect((await fetch(`${t.server.url}/v1/agent/report`)).status).toBe(405);
    expect((await fetch(`${t.server.url}/elsewhere`)).status).toBe(404);
  });

  it("serves /healthz with the database kind and Prometheus /metrics", async () => {
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: target.name });
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_http_requests_total\{route="\/v1\/agent\/report",method="POST",status="200"\} \d+/);
    expect(metrics).toMatch(/flotilla_reports_ingested_total\{protocol="native"\} \d+/);
    expect(metrics).toMatch(/flotilla_hosts\{state="idle"\} \d+/);
    expect(metrics).toMatch(/flotilla_http_request_duration_seconds_bucket/);
  });
});
