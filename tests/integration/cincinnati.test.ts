import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel, createGroup } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { removePin, setPin } from "@/db/queries/pins";
import { createReleases, setChannelPaused, setChannelTarget } from "@/db/queries/releases";
import { nextUpdate, type Graph } from "@/lib/cincinnati/graph";
import { parseEnv } from "@/lib/config/env";
import { invalidatePolicy } from "@/server/policy-cache";
import { startServer, type RunningServer } from "@/server/app";
import { fcosRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { applied } from "../helpers/applied";

const NODE = "c988d2509fdf5cdcbed39037c56406fb";
const sums = ["a1", "b2", "c3"].map((p) => p.repeat(32));
const versions = ["40.20240301.3.0", "40.20240316.3.0", "40.20240401.3.0"];

/** Zincati's graph request as it sends it. */
function zincatiQuery(over: Record<string, string> = {}) {
  return new URLSearchParams({ basearch: "x86_64", stream: "stable", os_version: versions[0]!, os_checksum: sums[0]!, group: "default", node_uuid: NODE, platform: "qemu", ...over });
}

/** Zincati's checks: string metadata, valid edge indices, age_index ordering. */
function assertZincatiParses(g: Graph) {
  expect(Array.isArray(g.nodes) && Array.isArray(g.edges)).toBe(true);
  for (const n of g.nodes) {
    expect(typeof n.version).toBe("string");
    expect(typeof n.payload).toBe("string");
    for (const v of Object.values(n.metadata)) expect(typeof v).toBe("string");
    expect(n.metadata["org.fedoraproject.coreos.scheme"]).toBe("checksum");
  }
  for (const e of g.edges) {
    expect(e).toHaveLength(2);
    for (const i of e) expect(Number.isInteger(i) && i >= 0 && i < g.nodes.length).toBe(true);
  }
}

describe.each(testDatabases())("Cincinnati graph (Zincati) on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  let server: RunningServer;
  let ids: string[];

  beforeAll(async () => {
    database = await target.open();
    // "stable" belongs to Flatcar here, so the FCOS stream resolves to "fcos-stable".
    await createChannel(database.db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
    await createChannel(database.db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
    await createChannel(database.db, SYSTEM_ACTOR, { id: "fcos-slow", osFamily: "fcos", description: "" });
    const rels = await createReleases(database.db, SYSTEM_ACTOR, versions.map((v, i) => fcosRelease(v, sums[i]!)), "release.import");
    ids = rels.map((r) => r.id);
    await createReleases(database.db, SYSTEM_ACTOR, [{ ...fcosRelease("40.20240301.3.1", "d4".repeat(32), "fcos-slow") }], "release.create");
    await setChannelTarget(database.db, SYSTEM_ACTOR, "fcos-stable", { releaseId: ids[2]!, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    server = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" }), ui: false, database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.dispose();
  });

  const graph = async (q: URLSearchParams) => {
    const res = await fetch(`${server.url}/v1/graph?${q.toString()}`, { headers: { accept: "application/json" } });
    return { status: res.status, body: (await res.json()) as Graph & { kind?: string; value?: string } };
  };

  it("serves a graph Zincati accepts, leading to the target, and records the poll as the host's report", async () => {
    const { status, body } = await graph(zincatiQuery());
    expect(status).toBe(200);
    assertZincatiParses(body);
    expect(body.nodes.map((n) => n.version)).toEqual(versions);
    expect(nextUpdate(body, sums[0]!)?.version).toBe(versions[2]);
    expect(await getHost(database.db, NODE)).toMatchObject({ protocol: "cincinnati", osFamily: "fcos", osVersion: versions[0], deploymentId: sums[0], platform: "qemu", arch: "amd64", groupId: "default", updateState: "checking", offeredVersion: versions[2] });
  });

  it("serves no edges when the channel is paused, and says why on the host", async () => {
    await setChannelPaused(database.db, SYSTEM_ACTOR, "fcos-stable", true, "bad kernel");
    invalidatePolicy();
    try {
      const { body } = await graph(zincatiQuery());
      assertZincatiParses(body);
      expect(body.edges).toEqual([]);
      expect(body.nodes).toHaveLength(3);
      expect(await getHost(database.db, NODE)).toMatchObject({ updateState: "idle", offeredVersion: null, holdReason: "channel fcos-stable paused: bad kernel" });
    } finally {
      await setChannelPaused(database.db, SYSTEM_ACTOR, "fcos-stable", false, "fixed");
      invalidatePolicy();
    }
  });

  it("serves edges only to the pinned release when the host's group is pinned", async () => {
    const pin = applied(await setPin(database.db, SYSTEM_ACTOR, { scope: "group", targetId: "default", version: versions[1]!, reason: "hold for the kernel fix", owner: "sre@example.com", expiresAt: null }));
    invalidatePolicy();
    try {
      const { body } = await graph(zincatiQuery());
      assertZincatiParses(body);
      expect(body.edges).toEqual([[0, 1]]);
      expect(nextUpdate(body, sums[0]!)?.version).toBe(versions[1]);
      // On the pinned version the host is held, and the host page says by whom and why.
      await graph(zincatiQuery({ os_version: versions[1]!, os_checksum: sums[1]! }));
      expect(await getHost(database.db, NODE)).toMatchObject({ holdReason: "group pinned to 40.20240316.3.0 by sre@example.com: hold for the kernel fix", offeredVersion: null });
    } finally {
      await removePin(database.db, SYSTEM_ACTOR, pin.id, null);
      invalidatePolicy();
    }
    expect((await graph(zincatiQuery())).body.edges).toEqual([[0, 2], [1, 2]]);
  });

  it("follows the group's channel when the group has one", async () => {
    await createGroup(database.db, SYSTEM_ACTOR, { id: "slow", description: "", channelId: "fcos-slow" });
    invalidatePolicy();
    const { body } = await graph(zincatiQuery({ group: "slow" }));
    expect(body.nodes.map((n) => n.version)).toEqual(["40.20240301.3.1"]);
    expect(body.edges).toEqual([]);
  });

  it("hides the target from clients warier than a throttled rollout's reach", async () => {
    await setChannelTarget(database.db, SYSTEM_ACTOR, "fcos-stable", { releaseId: ids[2]!, rolloutDurationMinutes: 600, rolloutStartValue: 0.3, reason: "" });
    invalidatePolicy();
    try {
      expect((await graph(zincatiQuery({ rollout_wariness: "0.1" }))).body.edges).toEqual([[0, 2], [1, 2]]);
      const wary = await graph(zincatiQuery({ rollout_wariness: "0.9" }));
      expect(wary.body.edges).toEqual([]);
      expect(wary.body.nodes[2]!.metadata["org.fedoraproject.coreos.updates.rollout"]).toBe("true");
    } finally {
      await setChannelTarget(database.db, SYSTEM_ACTOR, "fcos-stable", { releaseId: ids[2]!, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
      invalidatePolicy();
    }
  });

  it.each([
    ["without basearch", { basearch: "" }, /basearch/],
    ["without stream", { stream: "" }, /stream/],
    ["with a bad group", { group: "no spaces" }, /group/],
    ["with a wariness above 1", { rollout_wariness: "1.5" }, /rollout_wariness/],
  ])("answers 400 {kind, value} %s and records nothing", async (_what, over, value) => {
    const q = zincatiQuery({ node_uuid: "f".repeat(32), ...over });
    for (const [k, v] of Object.entries(over)) if (v === "") q.delete(k);
    const { status, body } = await graph(q);
    expect(status).toBe(400);
    expect(body.kind).toBe("invalid_params");
    expect(body.value).toMatch(value);
    expect(await getHost(database.db, "f".repeat(32))).toBeNull();
  });
});
