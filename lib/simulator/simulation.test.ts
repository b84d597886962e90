import { describe, expect, it } from "vitest";
import { Simulation } from "./simulation";
import type { ReportTransport, SendResult } from "./transport";

type Answer = (body: { machineId: string }, n: number) => SendResult;

function stub(answer: Answer): ReportTransport & { bodies: Array<{ machineId: string }> } {
  const bodies: Array<{ machineId: string }> = [];
  return {
    bodies,
    send(raw: string) {
      const body = JSON.parse(raw) as { machineId: string };
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
