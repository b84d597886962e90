import { describe, expect, it } from "vitest";
import { Simulation } from "./simulation";
import type { ReportTransport, SendResult, SimRequest } from "./transport";

type Answer = (body: { machineId: string }, n: number) => SendResult;

function stub(answer: Answer): ReportTransport & { bodies: Array<{ machineId: string }> } {
  const bodies: Array<{ machineId: string }> = [];
  return {
    bodies,
    send(req: SimRequest) {
      const body = JSON.parse(req.body ?? "{}") as { machineId: string };
      bodies.push(body);
      return Promise.resolve(answer(body, bodies.length));
    },
  };
}

const ok = (): SendResult => ({ kind: "response", status: 200, body: '{"accepted":true,"nextReportInSeconds":60}', latencyMs: 1 });

describe("Simulation", () => {
  it("has every host report, repeatedly, within the interval", async () => {
    const t = stub(ok);
    const sim = new Simulation({ hosts: 20, seed: 1, intervalSeconds: 0.1, durationSeconds: 0.5, concurrency: 4 }, t);
    const result = await sim.run();
    expect(result.reason).toBe("duration");
    expect(new Set(t.bodies.map((b) => b.machineId)).size).toBe(20);
    expect(result.stats.ok).toBe(t.bodies.length);
    expect(result.stats.ok).toBeGreaterThan(50);
  });

  it("retries 503 and network errors with backoff, and counts them", async () => {
    const t = stub((_b, n) => (n % 3 === 1 ? { kind: "response", status: 503, body: "", retryAfterSeconds: 0, latencyMs: 1 } : n % 3 === 2 ? { kind: "network", error: new Error("reset"), latencyMs: 1 } : ok()));
    const sim = new Simulation({ hosts: 5, seed: 2, intervalSeconds: 0.05, durationSeconds: 2, concurrency: 2 }, t);
    const { stats } = await sim.run();
    expect(stats.byStatus[503]).toBeGreaterThan(0);
    expect(stats.network).toBeGreaterThan(0);
    expect(stats.retries).toBe((stats.byStatus[503] ?? 0) + stats.network - stats.dropped);
    expect(stats.ok).toBeGreaterThan(0);
  });

  it("counts 4xx without retrying and reports them once per refusal", async () => {
    const rejected: number[] = [];
    const t = stub(() => ({ kind: "response", status: 400, body: '{"error":{"code":"bad_request","message":"invalid report"}}', latencyMs: 1 }));
    const sim = new Simulation({ hosts: 3, seed: 3, intervalSeconds: 0.05, durationSeconds: 0.3, concurrency: 2 }, t, {
      onRejected: (status) => rejected.push(status),
    });
    const { stats } = await sim.run();
    expect(stats.retries).toBe(0);
    expect(stats.byStatus[400]).toBe(t.bodies.length);
    expect(rejected.length).toBe(t.bodies.length);
  });

  it("stops at the first 401 with the server's reason", async () => {
    const t = stub(() => ({ kind: "response", status: 401, body: '{"error":{"code":"unauthorized","message":"missing or invalid enrollment token"}}', latencyMs: 1 }));
    const sim = new Simulation({ hosts: 50, seed: 4, intervalSeconds: 0.05, concurrency: 1 }, t);
    const result = await sim.run();
    expect(result).toMatchObject({ reason: "unauthorized", message: "missing or invalid enrollment token" });
    expect(t.bodies.length).toBe(1);
  });
});

describe("Simulation with a mixed fleet", () => {
  const NOUPDATE = '<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="flotilla"><daystart elapsed_seconds="0"></daystart><app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"></updatecheck><event status="ok"></event></app></response>\n';

  it("sends each host's own protocol and counts per protocol; FleetLock 409s are not errors", async () => {
    const paths = new Map<string, number>();
    const t: ReportTransport = {
      send(req: SimRequest) {
        const path = req.path.split("?")[0]!;
        paths.set(path, (paths.get(path) ?? 0) + 1);
        const answer = (status: number, body: string): SendResult => ({ kind: "response", status, body, latencyMs: 1 });
        if (path === "/v1/update/") return Promise.resolve(answer(200, NOUPDATE));
        if (path === "/v1/graph") return Promise.resolve(answer(200, '{"nodes":[],"edges":[]}'));
        if (path === "/v1/steady-state") return Promise.resolve(answer(200, '{"kind":"ok","value":"slot released"}'));
        if (path === "/v1/agent/report") return Promise.resolve(answer(200, '{"accepted":true,"nextReportInSeconds":60}'));
        return Promise.resolve(answer(404, ""));
      },
    };
    const sim = new Simulation({ hosts: 60, seed: 5, mix: [["flatcar", 1], ["fcos", 1], ["native", 1]], intervalSeconds: 0.1, durationSeconds: 0.6, concurrency: 8 }, t);
    const { stats } = await sim.run();
    expect([...paths.keys()].sort()).toEqual(["/v1/agent/report", "/v1/graph", "/v1/steady-state", "/v1/update/"]);
    expect(stats.byStatus).toEqual({});
    expect(stats.invalid).toBe(0);
    for (const p of ["flatcar", "fcos", "native"] as const) expect(stats.byProtocol[p].ok).toBeGreaterThan(0);
    expect(stats.byProtocol.flatcar.sent + stats.byProtocol.fcos.sent + stats.byProtocol.native.sent).toBe(stats.sent);
    const fleet = sim.fleetSnapshot();
    expect((fleet.flatcar?.hosts ?? 0) + (fleet.fcos?.hosts ?? 0) + (fleet.native?.hosts ?? 0)).toBe(60);
    expect(fleet.fcos?.phases.idle).toBe(fleet.fcos?.hosts);
  });

  it("retries a taken FleetLock slot with backoff and counts it apart", async () => {
    const graph = (checksum: string, scheme: string) =>
      JSON.stringify({
        nodes: [
          { version: "old", payload: checksum, metadata: { "org.fedoraproject.coreos.releases.age_index": "0", "org.fedoraproject.coreos.scheme": scheme } },
          { version: "new", payload: "n".repeat(64), metadata: { "org.fedoraproject.coreos.releases.age_index": "1", "org.fedoraproject.coreos.scheme": scheme } },
        ],
        edges: [[0, 1]],
      });
    let locks = 0;
    const t: ReportTransport = {
      send(req: SimRequest) {
        const url = new URL(req.path, "http://x");
        if (url.pathname === "/v1/graph") return Promise.resolve({ kind: "response", status: 200, body: graph(url.searchParams.get("os_checksum")!, url.searchParams.get("oci") === "true" ? "oci" : "checksum"), latencyMs: 1 });
        if (url.pathname === "/v1/pre-reboot") return Promise.resolve({ kind: "response", status: ++locks < 3 ? 409 : 200, body: '{"kind":"failed_lock_semaphore_full","value":"taken"}', latencyMs: 1 });
        return Promise.resolve({ kind: "response", status: 200, body: '{"kind":"ok","value":"ok"}', latencyMs: 1 });
      },
    };
    const sim = new Simulation({ hosts: 1, seed: 1, mix: [["fcos", 1]], intervalSeconds: 0.2, durationSeconds: 1.5, concurrency: 1, behaviour: { failRate: 0, updateRate: 0 } }, t);
    const { stats } = await sim.run();
    expect(stats.lockBusy).toBe(2);
    expect(stats.byStatus).toEqual({});
    expect(sim.hostSim(0)).toMatchObject({ protocol: "fcos", state: { version: "new" } });
    expect(sim.fleetSnapshot().fcos?.updated).toBe(1);
  });
});

describe("Simulation stopping", () => {
  it("has hosts that hold a FleetLock slot release it before the run ends", async () => {
    const released: string[] = [];
    let granted = 0;
    let holdersAtStop = 0;
    const t: ReportTransport = {
      send(req: SimRequest) {
        const url = new URL(req.path, "http://x");
        if (url.pathname === "/v1/graph") {
          const scheme = url.searchParams.get("oci") === "true" ? "oci" : "checksum";
          const body = JSON.stringify({
            nodes: [
              { version: "old", payload: url.searchParams.get("os_checksum"), metadata: { "org.fedoraproject.coreos.releases.age_index": "0", "org.fedoraproject.coreos.scheme": scheme } },
              { version: "new", payload: "n".repeat(64), metadata: { "org.fedoraproject.coreos.releases.age_index": "1", "org.fedoraproject.coreos.scheme": scheme } },
            ],
            edges: [[0, 1]],
          });
          return Promise.resolve({ kind: "response", status: 200, body, latencyMs: 1 });
        }
        if (url.pathname === "/v1/steady-state") released.push(req.body ?? "");
        // Stop as soon as the last host got its slot: it is rebooting and holds it.
        if (url.pathname === "/v1/pre-reboot" && ++granted === 3) {
          setTimeout(() => {
            holdersAtStop = sim.slotHolders().length;
            sim.stop();
          }, 0);
        }
        return Promise.resolve({ kind: "response", status: 200, body: '{"kind":"ok","value":"ok"}', latencyMs: 1 });
      },
    };
    const sim = new Simulation({ hosts: 3, seed: 2, mix: [["fcos", 1]], intervalSeconds: 0.3, concurrency: 2, behaviour: { failRate: 0, updateRate: 0 } }, t);
    await sim.run();
    expect(granted).toBe(3);
    expect(holdersAtStop).toBeGreaterThan(0);
    expect(sim.slotHolders()).toEqual([]);
    // Every host unlocked at start-up and released its slot after the reboot, finished or cut short.
    expect(released.length).toBe(6);
    for (let i = 0; i < 3; i++) expect(sim.hostSim(i)).toMatchObject({ state: { version: "new", phase: "idle" } });
  });
});
