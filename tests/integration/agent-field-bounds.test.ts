import { describe, expect, it } from "vitest";
import { getHost } from "@/db/queries/hosts";
import { AGENT_FIELD_BOUNDS } from "@/lib/agent/field-bounds";
import { seedFlatcarStable } from "../helpers/catalog";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

/*
 * Issue 18, finding 10: Omaha stored `updaterversion` and `board` at 60,000 characters where the
 * native protocol caps them at 64 and 32. One table (lib/agent/field-bounds.ts) bounds every
 * agent field on every protocol: identifying fields over the bound are a 400, descriptive ones cut.
 */
const TOKEN = "bounds-enrollment-token";
const APP = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";
const long = (n: number) => "x".repeat(n);

// Shaped like update_engine's request (flatcar/update_engine src/update_engine/omaha_request_action.cc GetRequestXml).
const omaha = (id: string, a: { updaterversion?: string; board?: string; machinealias?: string; oem?: string; previousversion?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="${a.updaterversion ?? "update_engine-0.4.10"}" installsource="scheduler" ismachine="1">
<os version="Chateau" platform="CoreOS" sp="3975.2.2_x86_64"></os>
<app appid="${APP}" version="3975.2.2" track="stable" bootid="{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}" oem="${a.oem ?? "ami"}" oemversion="" alephversion="3975.2.2" machineid="${id}" machinealias="${a.machinealias ?? ""}" lang="en-US" board="${a.board ?? "amd64-usr"}" hardware_class="" delta_okay="false">
<ping active="1"></ping><updatecheck></updatecheck><event eventtype="3" eventresult="2" previousversion="${a.previousversion ?? "0.0.0.0"}"></event></app></request>`;

describe.each(testDatabases())("agent field bounds on $name", (database) => {
  const t = useTestServer(database, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN }, seed: async (db) => void (await seedFlatcarStable(db)) });
  const db = () => t.server.database.db;
  const post = async (body: string) => {
    const res = await fetch(`${t.server.url}/v1/update/`, { method: "POST", headers: { "content-type": "text/xml" }, body });
    return { status: res.status, text: await res.text() };
  };

  it("Omaha: a 60,000-character updaterversion, alias and oem are cut to the bounds; a 60,000-character board or previousversion is a 400", async () => {
    const id = randomMachineId();
    expect((await post(omaha(id, { updaterversion: long(60_000) }))).status).toBe(200);
    expect((await getHost(db(), id))?.agentVersion).toHaveLength(AGENT_FIELD_BOUNDS.agentVersion.max);
    expect((await post(omaha(id, { machinealias: long(60_000), oem: long(1_000) }))).status).toBe(200);
    const host = await getHost(db(), id);
    expect(host?.hostname).toHaveLength(AGENT_FIELD_BOUNDS.hostname.max);
    expect(host?.platform).toHaveLength(AGENT_FIELD_BOUNDS.platform.max);

    const board = await post(omaha(randomMachineId(), { board: long(60_000) }));
    expect(board.status).toBe(400);
    expect(board.text).toMatch(/board is longer than 32 characters/);
    expect((await post(omaha(randomMachineId(), { previousversion: `1.${"2".repeat(100)}` }))).status).toBe(400);
  });

  it("Omaha: what update_engine really sends is stored as sent", async () => {
    const id = randomMachineId();
    expect((await post(omaha(id, { machinealias: "worker-7" }))).status).toBe(200);
    expect(await getHost(db(), id)).toMatchObject({ agentVersion: "update_engine-0.4.10", hostname: "worker-7", platform: "ami", arch: "amd64" });
  });

  it("native: the same bounds — a long hostname or agent string is cut, a long arch is a 400", async () => {
    const id = randomMachineId();
    const report = (over: object) =>
      fetch(`${t.server.url}/v1/agent/report`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ machineId: id, hostname: "edge", os: { family: "other", version: "1.0.0", arch: "amd64" }, state: "idle", ...over }),
      });
    expect((await report({ hostname: long(1_000), agent: { name: long(100), version: long(100) } })).status).toBe(200);
    const host = await getHost(db(), id);
    expect(host?.hostname).toHaveLength(AGENT_FIELD_BOUNDS.hostname.max);
    expect(host?.agentVersion).toHaveLength(AGENT_FIELD_BOUNDS.agentVersion.max);
    expect((await report({ os: { family: "other", version: "1.0.0", arch: long(33) } })).status).toBe(400);
  });

  it("Cincinnati and FleetLock: a long platform and user agent are cut; a long node id, group or lock id is a 400", async () => {
    const node = randomMachineId();
    const q = (over: Record<string, string>) => new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: "40.1", group: "default", node_uuid: node, ...over });
    expect((await fetch(`${t.server.url}/v1/graph?${q({ platform: long(500) })}`, { headers: { "user-agent": long(5_000) } })).status).toBe(200);
    expect(await getHost(db(), node)).toMatchObject({ platform: long(AGENT_FIELD_BOUNDS.platform.max), agentVersion: long(AGENT_FIELD_BOUNDS.agentVersion.max) });
    expect((await fetch(`${t.server.url}/v1/graph?${q({ group: long(65) })}`)).status).toBe(400);
    const lock = await fetch(`${t.server.url}/v1/pre-reboot`, { method: "POST", headers: { "fleet-lock-protocol": "true" }, body: JSON.stringify({ client_params: { id: long(129), group: "default" } }) });
    expect(lock.status).toBe(400);
  });
});
