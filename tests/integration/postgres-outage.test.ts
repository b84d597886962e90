import { describe, expect, it } from "vitest";
import { formatOutage, OUTAGE_KINDS, runOutage } from "../../scripts/lib/outage-run";
import { privatePostgresAvailable } from "../../scripts/lib/private-postgres";

// A real PostgreSQL server (a private cluster, never the shared one) stopped for 10 s under
// agent and operator load: 503 + Retry-After throughout, quickly, and 200 again within 5 s.
describe.skipIf(!privatePostgresAvailable())("a 10 s PostgreSQL outage under load", () => {
  it("answers 503 with Retry-After (never 500, never hanging) and recovers by itself", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const r = await runOutage({ outageSeconds: 10, warmupSeconds: 2, afterSeconds: 5, concurrency: 12, stopMode: "fast", log: (l) => lines.push(l) });
    console.info(`${lines.join("\n")}\n${formatOutage(r)}`);
    expect(r.during.byStatus["503"] ?? 0).toBeGreaterThan(50);
    expect(r.badDuringOutage).toEqual([]);
    expect(r.serverErrors).toBe(0);
    expect(r.noAnswer).toBe(0);
    // Fail fast: nothing waits for a database that is not there.
    expect(r.during.maxLatencyMs).toBeLessThan(6_000);
    for (const kind of OUTAGE_KINDS) {
      expect(r.recoverySeconds[kind], kind).not.toBeNull();
      expect(r.recoverySeconds[kind]!, kind).toBeLessThanOrEqual(5);
    }
    expect(r.after.byStatus["200"]).toBe(r.after.requests);
  });
});
