import { describe, expect, it } from "vitest";
import { rebootRefusal } from "./reboot-gate";

const windows = { timeZone: "Europe/Berlin", windows: [{ days: ["sat" as const], start: "02:00", durationMinutes: 120 }], blackoutDates: ["2026-12-26"] };

describe("reboot slots follow the group's window and rollout", () => {
  it("grants inside the window and refuses outside it, saying when it opens", () => {
    expect(rebootRefusal({ windows, pausedRollout: null, now: new Date("2026-12-05T01:30:00Z") })).toBeNull(); // Sat 02:30 Berlin
    expect(rebootRefusal({ windows, pausedRollout: null, now: new Date("2026-12-03T12:00:00Z") })).toMatch(/^reboot refused: Outside the maintenance window; /);
    expect(rebootRefusal({ windows, pausedRollout: null, now: new Date("2026-12-26T01:30:00Z") })).toMatch(/^reboot refused: 2026-12-26 is a blackout date in Europe\/Berlin/);
  });

  it("refuses while the rollout is paused, naming who paused it and why; no windows means any time", () => {
    expect(rebootRefusal({ windows: null, pausedRollout: { version: "4230.2.0", stoppedBy: { kind: "threshold", reason: "failure rate 50 % (3 of 6) above 20 % in phase canary" } }, now: new Date() })).toBe(
      "reboot refused: the rollout to 4230.2.0 is paused by its failure threshold: failure rate 50 % (3 of 6) above 20 % in phase canary",
    );
    expect(rebootRefusal({ windows: null, pausedRollout: null, now: new Date() })).toBeNull();
  });
});
