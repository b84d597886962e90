import { describe, expect, it } from "vitest";
import { afterFailure, lockedFor, LOGIN_THROTTLE } from "./throttle";

describe("sign-in throttling", () => {
  const t0 = new Date("2026-11-27T10:00:00Z");
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  it("locks for 15 minutes after the fifth failure within 15 minutes", () => {
    let s = null;
    for (let i = 0; i < LOGIN_THROTTLE.maxFailures - 1; i++) s = afterFailure(s, at(i));
    expect(lockedFor(s, at(5))).toBe(0);
    s = afterFailure(s, at(10));
    expect(lockedFor(s, at(10))).toBe(15 * 60);
    expect(lockedFor(s, at(10 + 15 * 60 - 1))).toBe(1);
    expect(lockedFor(s, at(10 + 15 * 60))).toBe(0);
  });

  it("starts counting again once the window has passed", () => {
    let s = null;
    for (let i = 0; i < 4; i++) s = afterFailure(s, at(i));
    s = afterFailure(s, at(16 * 60));
    expect(s.failures).toBe(1);
    expect(lockedFor(s, at(16 * 60))).toBe(0);
  });
});
