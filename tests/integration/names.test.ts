import { describe, expect, it } from "vitest";
import { getHost } from "@/db/queries/hosts";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";

/*
 * Issue 18: groups and configs named `.` or `..` could be created, by operators and by agents,
 * and then not be managed (a URL path resolves the segment away). One name rule
 * (lib/agent/native-report.ts GROUP_NAME) for operators and every agent protocol.
 */
const TOKEN = "names-enrollment-token";
const cfg = JSON.stringify({ ignition: { version: "3.3.0" } });
const omaha = (id: string, track: string) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" updaterversion="update_engine-0.4.10"><os platform="CoreOS" sp="3975.2.2_x86_64"></os>
<app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="3975.2.2" track="${track}" machineid="${id}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck></app></request>`;

describe.each(testDatabases())("one name rule for groups, channels and configs on $name", (target) => {
  const t = useOperatorServer(target, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN } });
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${t.users.admin.token}` }) =>
    fetch(`${t.server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("operators cannot create a group, channel or config named . or ..", async () => {
    for (const name of [".", ".."]) {
      expect((await post("/api/v1/groups", { id: name })).status, `group ${name}`).toBe(400);
      expect((await post("/api/v1/channels", { id: name, osFamily: "flatcar" })).status, `channel ${name}`).toBe(400);
      expect((await post("/api/v1/ignition/configs", { id: name, source: cfg })).status, `config ${name}`).toBe(400);
    }
    // Dots inside a name are fine, and so is the underscore update_engine's GROUP= may hold.
    expect((await post("/api/v1/groups", { id: "edge.berlin_2" })).status).toBe(201);
  });

  it("agents cannot name a group . or .. on any protocol; the same names operators use work for them", async () => {
    for (const name of [".", ".."]) {
      const id = randomMachineId();
      expect((await post("/v1/update/", omaha(id, name), { "content-type": "text/xml" })).status, `track ${name}`).toBe(400);
      const graph = await fetch(`${t.server.url}/v1/graph?${new URLSearchParams({ basearch: "x86_64", stream: "stable", group: name, node_uuid: id, os_version: "40.1" })}`);
      expect(graph.status, `zincati group ${name}`).toBe(400);
      const stream = await fetch(`${t.server.url}/v1/graph?${new URLSearchParams({ basearch: "x86_64", stream: name, node_uuid: id, os_version: "40.1" })}`);
      expect(stream.status, `stream ${name}`).toBe(400);
      const lock = await post("/v1/pre-reboot", { client_params: { id: "node-x", group: name } }, { "fleet-lock-protocol": "true" });
      expect(lock.status, `fleetlock group ${name}`).toBe(400);
      const native = await post("/v1/agent/report", { machineId: id, os: { family: "other", version: "1.0.0", arch: "amd64" }, state: "idle", group: name }, { authorization: `Bearer ${TOKEN}` });
      expect(native.status, `native group ${name}`).toBe(400);
      expect(await getHost(t.database.db, id)).toBeNull();
    }
    const id = randomMachineId();
    expect((await post("/v1/update/", omaha(id, "edge.berlin_2"), { "content-type": "text/xml" })).status).toBe(200);
    expect((await getHost(t.database.db, id))?.groupId).toBe("edge.berlin_2");
  });
});
