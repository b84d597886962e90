import { describe, expect, it } from "vitest";
import { formatDurability, runDurability } from "../../scripts/lib/durability-run";

// The small version of `npm run durability`: the server process is killed with SIGKILL under
// native + Omaha load and operator API writes, restarted, and nothing acknowledged is missing.
describe.runIf(process.env.TEST_DATABASE_URL)("durability across kill -9 (Postgres)", () => {
  it("keeps every acknowledged report, group and pin", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const r = await runDurability({
      adminUrl: process.env.TEST_DATABASE_URL!,
      hosts: 300,
      concurrency: 16,
      beforeKillSeconds: 3,
      afterRestartSeconds: 2,
      kills: 1,
      log: (line) => lines.push(line),
    });
    console.info(`${lines.join("\n")}\n${formatDurability(r)}`);
    expect(r.native.acked + r.omaha.acked).toBeGreaterThan(100);
    expect(r.groups.acked + r.pins.acked).toBeGreaterThan(2);
    expect({ native: r.native.missing, omaha: r.omaha.missing, groups: r.groups.missing, pins: r.pins.missing }).toEqual({ native: 0, omaha: 0, groups: 0, pins: 0 });
    expect(r.auditChainOk).toBe(true);
  });
});
