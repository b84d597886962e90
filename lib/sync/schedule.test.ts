import { describe, expect, it } from "vitest";
import { nextRunAt } from "./schedule";

describe("sync schedule", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const at = (failures: number) => (nextRunAt(now, { intervalMinutes: 60, failures, retryBaseSeconds: 30 }).getTime() - now.getTime()) / 1000;
  it("runs one interval after a success", () => expect(at(0)).toBe(3600));
  it("backs off exponentially after failures, capped at the interval", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40].map(at)).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });
});
