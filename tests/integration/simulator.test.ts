import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf, type Database } from "@/db/client";
import { sql } from "drizzle-orm";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { listRebootSlots, setRebootSlots } from "@/db/queries/fleetlock";
import { createChannel } from "@/db/queries/groups";
import { countHosts, getHost, hostHistory, listHosts } from "@/db/queries/hosts";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { parseEnv } from "@/lib/config/env";
import { HostQuerySchema } from "@/lib/fleet/host-query";
import { DEMO_CHANNELS, demoReleases, demoTargets } from "@/lib/simulator/demo-catalog";
import { HttpTransport } from "@/lib/simulator/http-transport";
import { Simulation, type SimulationResult } from "@/lib/simulator/simulation";
import { fcosBasearch, fcosChecksum, fcosPullspec } from "@/lib/simulator/versions";
import { startServer, type RunningServer } from "@/server/app";

const TOKEN = "integration-simulator-token-0123";
const HOSTS = 30;

// processDatabase is a process-wide singleton: this file opens exactly one server.
let server: RunningServer;
let sim: Simulation;
let result: SimulationResult;

beforeAll(async () => {
  const env = parseEnv({
    HOST: "127.0.0.1",
    FLOTILLA_DATA_DIR: "memory://",
    FLOTILLA_ENROLLMENT_TOKEN: TOKEN,
    // An admin from the start keeps the first-run setup link off the test output.
    FLOTILLA_ADMIN_EMAIL: "admin@example.test",
    FLOTILLA_ADMIN_PASSWORD: "integration-password",
    LOG_LEVEL: "silent",
  });
  // PORT 0 (any free port) is below the schema's minimum, so it is set after parsing.
  server = await startServer({ env: { ...env, PORT: 0 }, ui: false });
  const transport = new HttpTransport({ baseUrl: server.url, token: TOKEN, maxSockets: 8 });
  sim = new Simulation(
    { hosts: HOSTS, seed: 42, intervalSeconds: 0.5, durationSeconds: 3, concurrency: 8, behaviour: { failRate: 0.2, updateRate: 0.5 } },
    transport,
  );
  try {
    result = await sim.run();
  } finally {
    transport.close();
  }
});

afterAll(async () => {
  await server?.close();
});

describe("simulator against the agent server", () => {
  it("gets every report accepted", () => {
    expect(result.reason).toBe("duration");
    expect(result.stats.byStatus).toEqual({});
    expect(result.stats.network).toBe(0);
    expect(result.stats.ok).toBeGreaterThanOrEqual(HOSTS * 3);
  });

  it("registers every virtual host with its identity", async () => {
    const db = server.database.db;
    expect(await countHosts(db, HostQuerySchema.parse({}))).toBe(HOSTS);
    for (const profile of sim.profiles) {
      const host = await getHost(db, profile.machineId);
      expect(host, profile.hostname).not.toBeNull();
      expect(host).toMatchObject({ hostname: profile.hostname, osFamily: profile.osFamily, groupId: profile.group, labels: profile.labels, protocol: "native" });
      expect(host?.arch).toMatch(/^(amd64|arm64)$/);
      expect(host?.slot === null).toBe(profile.osFamily === "fcos");
    }
    const berlin = sim.profiles.filter((p) => p.group === "edge-berlin").length;
    const page = await listHosts(db, HostQuerySchema.parse({ group: "edge-berlin", limit: 100 }));
    expect(page.items.length).toBe(berlin);
  });

  it("stores every acknowledged report in the host's history", async () => {
    const db = server.database.db;
    let stored = 0;
    const states = new Set<string>();
    for (const profile of sim.profiles) {
      const host = await getHost(db, profile.machineId);
      const history = await hostHistory(db, profile.machineId, { limit: 500 });
      expect(history.items.length).toBe(host?.reportCount);
      for (const r of history.items) states.add(r.updateState);
      stored += history.items.length;
    }
    expect(stored).toBe(result.stats.ok);
    // With updateRate 0.5 the fleet is visibly updating, not only idle.
    expect(states.size).toBeGreaterThan(3);
  });
});

describe("simulator with Flatcar, FCOS and native hosts against a seeded catalog", () => {
  const MIX_HOSTS = 45;
  let mixed: RunningServer;
  let database: Database;
  let msim: Simulation;
  let mresult: SimulationResult;
  const rejections: string[] = [];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://" });
    // The catalog --setup-demo creates, written straight through the query functions.
    for (const ch of DEMO_CHANNELS) await createChannel(database.db, SYSTEM_ACTOR, ch);
    const created = await createReleases(database.db, SYSTEM_ACTOR, demoReleases(), "release.import");
    for (const t of demoTargets()) {
      const release = created.find((r) => r.osFamily === t.family && r.version === t.version && r.arch === "amd64")!;
      await setChannelTarget(database.db, SYSTEM_ACTOR, t.channelId, { releaseId: release.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    }
    // Two slots per Zincati group: some contention (409 + backoff), yet the run stays short.
    for (const g of ["workers", "canary", "default"]) await setRebootSlots(database.db, SYSTEM_ACTOR, g, 2, null);
    mixed = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", FLOTILLA_ENROLLMENT_TOKEN: TOKEN, FLOTILLA_ADMIN_EMAIL: "admin@example.test", FLOTILLA_ADMIN_PASSWORD: "integration-password", LOG_LEVEL: "silent" }), ui: false, database });
    const transport = new HttpTransport({ baseUrl: mixed.url, token: TOKEN, maxSockets: 8 });
    msim = new Simulation(
      { hosts: MIX_HOSTS, seed: 3, mix: [["flatcar", 40], ["fcos", 40], ["native", 20]], intervalSeconds: 0.3, durationSeconds: 5, concurrency: 8, behaviour: { failRate: 0.1, updateRate: 0.3 } },
      transport,
      { onRejected: (status, message) => rejections.push(`${status} ${message}`), onInvalid: (message) => rejections.push(`invalid: ${message}`) },
    );
    try {
      mresult = await msim.run();
    } finally {
      transport.close();
    }
  });

  afterAll(async () => {
    await mixed?.close();
    await database?.close();
  });

  it("gets every request answered as the protocols expect", () => {
    expect(rejections).toEqual([]);
    expect(mresult.stats.byStatus).toEqual({});
    expect(mresult.stats.network).toBe(0);
    for (const p of ["flatcar", "fcos", "native"] as const) expect(mresult.stats.byProtocol[p].ok).toBeGreaterThan(0);
  });

  it("stores hosts of all three protocols", async () => {
    const protocols = new Map<string, number>();
    for (const profile of msim.profiles) {
      const host = await getHost(database.db, profile.machineId);
      expect(host, `${profile.protocol} ${profile.hostname}`).not.toBeNull();
      protocols.set(host!.protocol, (protocols.get(host!.protocol) ?? 0) + 1);
      const expected = { flatcar: "omaha", fcos: "cincinnati", native: "native" }[profile.protocol];
      expect(host!.protocol).toBe(expected);
      expect(host!.osFamily).toBe(profile.osFamily);
    }
    expect([...protocols.keys()].sort()).toEqual(["cincinnati", "native", "omaha"]);
  });

  it("moves Flatcar hosts from their old version to the target through Omaha events", async () => {
    const target = demoTargets().find((t) => t.family === "flatcar")!.version;
    let updated = 0;
    for (const profile of msim.profiles.filter((p) => p.protocol === "flatcar")) {
      const host = await getHost(database.db, profile.machineId);
      if (host?.osVersion !== target) continue;
      updated++;
      expect(host.previousVersion).toBe(profile.initialVersion);
      const history = (await hostHistory(database.db, profile.machineId, { limit: 500 })).items.reverse();
      const states = history.map((h) => h.updateState);
      expect(history[0]!.osVersion).toBe(profile.initialVersion);
      for (const s of ["checking", "downloading", "downloaded", "staged"]) expect(states).toContain(s);
      expect(history.at(-1)).toMatchObject({ osVersion: target, updateState: "idle" });
      // A new boot id after the reboot.
      expect(new Set(history.map((h) => h.detail.bootId)).size).toBeGreaterThan(1);
    }
    expect(updated).toBeGreaterThan(0);
  });

  it("has FCOS hosts take a FleetLock slot, reboot into the target and release the slot", async () => {
    const target = demoTargets().find((t) => t.family === "fcos")!.version;
    let rebooted = 0;
    let rebootedFromImage = 0;
    for (const profile of msim.profiles.filter((p) => p.protocol === "fcos")) {
      const host = await getHost(database.db, profile.machineId);
      const history = (await hostHistory(database.db, profile.machineId, { limit: 500 })).items;
      if (host?.osVersion !== target || !history.some((h) => h.kind === "reboot_slot")) continue;
      rebooted++;
      // Image-booted hosts poll with oci=true and report the image they run.
      expect(host.deploymentId).toBe(profile.oci ? fcosPullspec(target, fcosBasearch(profile.arch)) : fcosChecksum(target, fcosBasearch(profile.arch)));
      if (profile.oci) rebootedFromImage++;
      expect(host.previousVersion).toBe(profile.initialVersion);
    }
    expect(rebooted).toBeGreaterThan(0);
    expect(rebootedFromImage).toBeGreaterThan(0);
    for (const group of await listRebootSlots(database.db)) expect(group.holders, group.id).toEqual([]);
  });
});

// `flotilla simulate --os flatcar` with failed boots and arm64 hosts: the simulated update_engine
// installs whatever it is offered (as the real one does), so the server alone must keep a
// version that fell back on a host away from it, and never hand an arm64 host amd64's payload.
describe("simulator: Flatcar hosts with GRUB fallbacks and arm64 hosts", () => {
  let server2: RunningServer;
  let database: Database;
  let fsim: Simulation;
  const problems: string[] = [];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: "memory://" });
    for (const ch of DEMO_CHANNELS) await createChannel(database.db, SYSTEM_ACTOR, ch);
    const created = await createReleases(database.db, SYSTEM_ACTOR, demoReleases(), "release.import");
    for (const t of demoTargets()) {
      const release = created.find((r) => r.osFamily === t.family && r.version === t.version && r.arch === "amd64")!;
      await setChannelTarget(database.db, SYSTEM_ACTOR, t.channelId, { releaseId: release.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
    }
    server2 = await startServer({ env: parseEnv({ PORT: "0", HOST: "127.0.0.1", FLOTILLA_ENROLLMENT_TOKEN: TOKEN, FLOTILLA_ADMIN_EMAIL: "admin@example.test", FLOTILLA_ADMIN_PASSWORD: "integration-password", LOG_LEVEL: "silent" }), ui: false, database });
    const transport = new HttpTransport({ baseUrl: server2.url, token: TOKEN, maxSockets: 8 });
    fsim = new Simulation(
      { hosts: 40, seed: 11, mix: [["flatcar", 1]], intervalSeconds: 0.2, durationSeconds: 5, concurrency: 8, behaviour: { failRate: 0.8, updateRate: 0.3 } },
      transport,
      { onRejected: (status, message) => problems.push(`${status} ${message}`), onInvalid: (message) => problems.push(`invalid: ${message}`) },
    );
    try {
      await fsim.run();
    } finally {
      transport.close();
    }
  });

  afterAll(async () => {
    await server2?.close();
    await database?.close();
  });

  it("never offers a host a version that failed to boot there, nor a payload for another architecture", async () => {
    expect(problems.filter((p) => /again after it failed|payload to an/.test(p))).toEqual([]);
    const blocked = rowsOf<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM host_failed_versions WHERE retried_at IS NULL`))[0]!.n;
    expect(blocked).toBeGreaterThan(0);
    expect(fsim.profiles.some((p) => p.arch === "arm64")).toBe(true);
    for (const profile of fsim.profiles.filter((p) => p.arch === "arm64")) {
      const host = await getHost(database.db, profile.machineId);
      expect(host?.arch).toBe("arm64");
    }
  });
});
