import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countHosts, getHost, hostHistory, listHosts } from "@/db/queries/hosts";
import { parseEnv } from "@/lib/config/env";
import { HostQuerySchema } from "@/lib/fleet/host-query";
import { HttpTransport } from "@/lib/simulator/http-transport";
import { Simulation, type SimulationResult } from "@/lib/simulator/simulation";
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
