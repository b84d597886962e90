import { describe, expect, it } from "vitest";
import { MaintenanceWindowsSchema, type MaintenanceWindow } from "./policy-schema";
import { formatInZone, instantOfLocal, localMsOf } from "./local-time";
import { isInWindow } from "./windows";

type WindowInput = Omit<MaintenanceWindow, "days"> & { days: string[] };

function windows(timeZone: string, list: WindowInput[], blackoutDates: string[] = []) {
  return MaintenanceWindowsSchema.parse({ timeZone, windows: list, blackoutDates });
}
const at = (iso: string) => new Date(iso);
const open = { open: true };
const closed = (nextOpen: string | undefined) => ({ open: false, reason: "outside_window", ...(nextOpen ? { nextOpen: at(nextOpen) } : {}) });
const blackout = (date: string, nextOpen: string | undefined) => ({ open: false, reason: "blackout", blackoutDate: date, ...(nextOpen ? { nextOpen: at(nextOpen) } : {}) });

describe("wall-clock conversion", () => {
  it.each([
    // [zone, local wall clock, instant]
    ["Europe/Berlin", "2026-01-13T09:00", "2026-01-13T08:00:00Z"],
    ["Europe/Berlin", "2026-07-01T09:00", "2026-07-01T07:00:00Z"],
    ["Europe/Berlin", "2026-03-29T02:30", "2026-03-29T01:00:00Z"], // skipped: the transition (03:00 CEST)
    ["Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00Z"],
    ["Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00Z"], // repeated: the first (CEST) one
    ["America/New_York", "2026-03-08T02:00", "2026-03-08T07:00:00Z"],
    ["America/New_York", "2026-03-08T02:59", "2026-03-08T07:00:00Z"],
    ["America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00Z"],
    ["Asia/Kolkata", "2026-01-01T00:00", "2025-12-31T18:30:00Z"],
  ])("%s %s is %s", (zone, local, instant) => {
    expect(new Date(instantOfLocal(Date.parse(`${local}Z`), zone)).toISOString()).toBe(new Date(instant).toISOString());
  });

  it("reads both occurrences of the repeated hour as the same wall clock", () => {
    expect(localMsOf(Date.parse("2026-10-25T00:30:00Z"), "Europe/Berlin")).toBe(Date.parse("2026-10-25T02:30:00Z"));
    expect(localMsOf(Date.parse("2026-10-25T01:30:00Z"), "Europe/Berlin")).toBe(Date.parse("2026-10-25T02:30:00Z"));
  });

  it("formats an instant for the operator in the zone", () => {
    expect(formatInZone(at("2026-01-18T22:00:00Z"), "Europe/Berlin")).toBe("Sun 2026-01-18 23:00 Europe/Berlin");
    expect(formatInZone(at("2026-01-18T22:00:00Z"), "America/New_York")).toBe("Sun 2026-01-18 17:00 America/New_York");
  });
});

describe("maintenance windows", () => {
  it("is always open without windows", () => {
    expect(isInWindow(null, at("2026-01-13T03:00:00Z"))).toEqual(open);
  });

  describe("a working-day window (Berlin, CET = UTC+1)", () => {
    const mw = windows("Europe/Berlin", [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", durationMinutes: 480 }]);
    it.each([
      ["opens at its start", "2026-01-13T08:00:00Z", open],
      ["is open a minute before the end", "2026-01-13T15:59:00Z", open],
      ["is closed just before the start", "2026-01-13T07:59:59Z", closed("2026-01-13T08:00:00Z")],
      ["closes at the end", "2026-01-13T16:00:00Z", closed("2026-01-14T08:00:00Z")],
      ["skips the weekend", "2026-01-16T16:00:00Z", closed("2026-01-19T08:00:00Z")],
      ["is closed on Sunday", "2026-01-18T12:00:00Z", closed("2026-01-19T08:00:00Z")],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(mw, at(now))).toEqual(expected);
    });
  });

  describe("across midnight: sat 22:00 for 4 h", () => {
    const mw = windows("Europe/Berlin", [{ days: ["sat"], start: "22:00", durationMinutes: 240 }]);
    it.each([
      ["Saturday 22:00", "2026-01-17T21:00:00Z", open],
      ["Sunday 01:30 (the day after its start day)", "2026-01-18T00:30:00Z", open],
      ["Sunday 02:00", "2026-01-18T01:00:00Z", closed("2026-01-24T21:00:00Z")],
      ["Saturday 21:59", "2026-01-17T20:59:00Z", closed("2026-01-17T21:00:00Z")],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(mw, at(now))).toEqual(expected);
    });
  });

  describe("across the week end: sun 23:00 + 120 min ends mon 01:00", () => {
    const mw = windows("Europe/Berlin", [{ days: ["sun"], start: "23:00", durationMinutes: 120 }]);
    it.each([
      ["Sunday 23:00", "2026-01-18T22:00:00Z", open],
      ["Monday 00:30", "2026-01-18T23:30:00Z", open],
      ["Monday 00:59", "2026-01-18T23:59:00Z", open],
      ["Monday 01:00", "2026-01-19T00:00:00Z", closed("2026-01-25T22:00:00Z")],
      ["Sunday 22:59", "2026-01-18T21:59:00Z", closed("2026-01-18T22:00:00Z")],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(mw, at(now))).toEqual(expected);
    });
  });

  it("opens when any of several windows is open", () => {
    const mw = windows("Europe/Berlin", [
      { days: ["mon"], start: "09:00", durationMinutes: 60 },
      { days: ["mon"], start: "20:00", durationMinutes: 60 },
    ]);
    expect(isInWindow(mw, at("2026-01-19T19:30:00Z"))).toEqual(open);
    expect(isInWindow(mw, at("2026-01-19T12:00:00Z"))).toEqual(closed("2026-01-19T19:00:00Z"));
  });

  it("accepts a full-week window as always open", () => {
    const mw = windows("Europe/Berlin", [{ days: ["mon"], start: "00:00", durationMinutes: 10080 }]);
    expect(isInWindow(mw, at("2026-01-18T22:59:00Z"))).toEqual(open); // Sunday 23:59
    expect(isInWindow(mw, at("2026-01-18T23:00:00Z"))).toEqual(open); // Monday 00:00, the next week
  });

  describe("blackout dates are whole local days", () => {
    const nightly = windows("Europe/Berlin", [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "22:00", durationMinutes: 240 }], ["2026-01-20"]);
    it.each([
      ["Monday 22:30 before the blackout is open", "2026-01-19T21:30:00Z", open],
      ["Monday 23:59 is open", "2026-01-19T22:59:00Z", open],
      // The window that began Monday evening closes at local midnight; it reopens in the
      // window that began on the blackout day, once Wednesday starts.
      ["Tuesday 00:00 closes the running window", "2026-01-19T23:00:00Z", blackout("2026-01-20", "2026-01-20T23:00:00Z")],
      ["Tuesday 22:30 is closed", "2026-01-20T21:30:00Z", blackout("2026-01-20", "2026-01-20T23:00:00Z")],
      ["Tuesday 23:59 is closed", "2026-01-20T22:59:00Z", blackout("2026-01-20", "2026-01-20T23:00:00Z")],
      ["Wednesday 00:00 is open again", "2026-01-20T23:00:00Z", open],
      ["Wednesday 01:59 is open", "2026-01-21T00:59:00Z", open],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(nightly, at(now))).toEqual(expected);
    });

    it("skips a blackout day when looking for the next window", () => {
      const mw = windows("Europe/Berlin", [{ days: ["mon", "tue", "wed"], start: "09:00", durationMinutes: 60 }], ["2026-01-20"]);
      expect(isInWindow(mw, at("2026-01-19T12:00:00Z"))).toEqual(closed("2026-01-21T08:00:00Z"));
    });

    it("opens a long window on its first day that is not blacked out", () => {
      // sat 00:00 for three days; Saturday and Sunday are blackouts, so Monday 00:00.
      const mw = windows("Europe/Berlin", [{ days: ["sat"], start: "00:00", durationMinutes: 4320 }], ["2026-01-17", "2026-01-18"]);
      expect(isInWindow(mw, at("2026-01-16T12:00:00Z"))).toEqual(closed("2026-01-18T23:00:00Z"));
      expect(isInWindow(mw, at("2026-01-18T12:00:00Z"))).toEqual(blackout("2026-01-18", "2026-01-18T23:00:00Z"));
      expect(isInWindow(mw, at("2026-01-19T22:59:00Z"))).toEqual(open); // Monday 23:59
      expect(isInWindow(mw, at("2026-01-19T23:00:00Z"))).toEqual(closed("2026-01-23T23:00:00Z")); // Tuesday 00:00: over
    });

    it("starts a blackout day whose midnight does not exist at its first instant (America/Santiago 2026-09-06)", () => {
      // Chile springs forward at midnight: Saturday 23:59:59 -04 is followed by Sunday 01:00 -03.
      const mw = windows("America/Santiago", [{ days: ["sat"], start: "22:00", durationMinutes: 240 }], ["2026-09-06"]);
      expect(isInWindow(mw, at("2026-09-06T03:59:00Z"))).toEqual(open);
      expect(isInWindow(mw, at("2026-09-06T04:00:00Z"))).toEqual(blackout("2026-09-06", "2026-09-13T01:00:00Z"));
      const sundays = windows("America/Santiago", [{ days: ["sun"], start: "00:00", durationMinutes: 60 }]);
      expect(isInWindow(sundays, at("2026-09-06T03:59:00Z"))).toEqual(closed("2026-09-06T04:00:00Z"));
      expect(isInWindow(sundays, at("2026-09-06T04:59:00Z"))).toEqual(open);
    });

    it("keeps the blackout for the 25 hours of a fall-back day", () => {
      const mw = windows("Europe/Berlin", [{ days: ["sat"], start: "23:00", durationMinutes: 240 }], ["2026-10-25"]);
      expect(isInWindow(mw, at("2026-10-24T21:30:00Z"))).toEqual(open); // Sat 23:30 CEST
      expect(isInWindow(mw, at("2026-10-24T22:00:00Z"))).toEqual(blackout("2026-10-25", "2026-10-31T22:00:00Z")); // Sun 00:00
      expect(isInWindow(mw, at("2026-10-25T22:59:00Z"))).toEqual(blackout("2026-10-25", "2026-10-31T22:00:00Z")); // Sun 23:59 CET
    });

    it("looks 14 days ahead and no further", () => {
      const mondays = windows("Europe/Berlin", [{ days: ["mon"], start: "09:00", durationMinutes: 1 }], ["2026-01-19"]);
      // 13 days 23 h 59 min ahead: found.
      expect(isInWindow(mondays, at("2026-01-12T08:01:00Z"))).toEqual(closed("2026-01-26T08:00:00Z"));
      // Exactly 14 days ahead: found; a minute more: not.
      const fromBlackout = windows("Europe/Berlin", [{ days: ["mon"], start: "09:00", durationMinutes: 1 }], ["2026-01-12", "2026-01-19"]);
      expect(isInWindow(fromBlackout, at("2026-01-12T08:00:00Z"))).toEqual(blackout("2026-01-12", "2026-01-26T08:00:00Z"));
      expect(isInWindow(fromBlackout, at("2026-01-12T07:59:00Z"))).toEqual(blackout("2026-01-12", undefined));
      const more = windows("Europe/Berlin", [{ days: ["mon"], start: "09:00", durationMinutes: 1 }], ["2026-01-19", "2026-01-26"]);
      expect(isInWindow(more, at("2026-01-12T08:01:00Z"))).toEqual(closed(undefined));
      const holidays = Array.from({ length: 17 }, (_, i) => new Date(Date.UTC(2026, 11, 20 + i)).toISOString().slice(0, 10));
      const daily = windows("Europe/Berlin", [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "09:00", durationMinutes: 60 }], holidays);
      expect(isInWindow(daily, at("2026-12-20T12:00:00Z"))).toEqual(blackout("2026-12-20", undefined));
    });
  });

  describe("DST spring forward, Europe/Berlin 2026-03-29 (02:00 CET → 03:00 CEST at 01:00Z)", () => {
    const skipped = windows("Europe/Berlin", [{ days: ["sun"], start: "02:30", durationMinutes: 60 }]);
    it.each([
      ["a week earlier the window opens at 02:30 CET", "2026-03-22T01:30:00Z", open],
      ["a week earlier, 02:29 CET", "2026-03-22T01:29:00Z", closed("2026-03-22T01:30:00Z")],
      ["01:59:59 CET, before the jump", "2026-03-29T00:59:59Z", closed("2026-03-29T01:00:00Z")],
      ["the missing 02:30 opens at 03:00 CEST", "2026-03-29T01:00:00Z", open],
      ["60 real minutes later it is still 03:59 CEST", "2026-03-29T01:59:00Z", open],
      ["it closes at 04:00 CEST", "2026-03-29T02:00:00Z", closed("2026-04-05T00:30:00Z")],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(skipped, at(now))).toEqual(expected);
    });

    it("measures a window across the jump in real minutes", () => {
      // 01:00 CET for 180 min: 00:00Z → 03:00Z, which reads 05:00 CEST.
      const mw = windows("Europe/Berlin", [{ days: ["sun"], start: "01:00", durationMinutes: 180 }]);
      expect(isInWindow(mw, at("2026-03-29T00:00:00Z"))).toEqual(open);
      expect(isInWindow(mw, at("2026-03-29T02:59:00Z"))).toEqual(open);
      expect(isInWindow(mw, at("2026-03-29T03:00:00Z"))).toEqual(closed("2026-04-04T23:00:00Z")); // next Sunday 01:00 CEST
    });
  });

  describe("DST fall back, Europe/Berlin 2026-10-25 (03:00 CEST → 02:00 CET at 01:00Z)", () => {
    const repeated = windows("Europe/Berlin", [{ days: ["sun"], start: "02:30", durationMinutes: 60 }]);
    it.each([
      ["02:29 CEST", "2026-10-25T00:29:00Z", closed("2026-10-25T00:30:00Z")],
      ["opens at the first 02:30 (CEST)", "2026-10-25T00:30:00Z", open],
      ["is open through the repeated 02:00 CET", "2026-10-25T01:00:00Z", open],
      ["02:29 CET, 59 real minutes in", "2026-10-25T01:29:00Z", open],
      ["closes after 60 real minutes, at the second 02:30 (CET)", "2026-10-25T01:30:00Z", closed("2026-11-01T01:30:00Z")],
    ])("%s", (_what, now, expected) => {
      expect(isInWindow(repeated, at(now))).toEqual(expected);
    });

    it("measures a window across the repeated hour in real minutes", () => {
      // 00:00 CEST for 180 min: 22:00Z → 01:00Z, which reads 02:00 CET (not 03:00).
      const mw = windows("Europe/Berlin", [{ days: ["sun"], start: "00:00", durationMinutes: 180 }]);
      expect(isInWindow(mw, at("2026-10-24T22:00:00Z"))).toEqual(open);
      expect(isInWindow(mw, at("2026-10-25T00:59:00Z"))).toEqual(open);
      expect(isInWindow(mw, at("2026-10-25T01:00:00Z"))).toEqual(closed("2026-10-31T23:00:00Z"));
    });
  });

  describe("DST in America/New_York: 2026-03-08 (02:00 EST → 03:00 EDT at 07:00Z), 2026-11-01 (02:00 EDT → 01:00 EST at 06:00Z)", () => {
    it.each([
      ["before the jump", "2026-03-08T06:59:00Z", closed("2026-03-08T07:00:00Z")],
      ["the missing 02:15 opens at 03:00 EDT", "2026-03-08T07:00:00Z", open],
      ["29 real minutes in", "2026-03-08T07:29:00Z", open],
      ["30 real minutes in", "2026-03-08T07:30:00Z", closed("2026-03-15T06:15:00Z")],
    ])("spring forward, sun 02:15 for 30 min: %s", (_what, now, expected) => {
      const mw = windows("America/New_York", [{ days: ["sun"], start: "02:15", durationMinutes: 30 }]);
      expect(isInWindow(mw, at(now))).toEqual(expected);
    });

    it.each([
      ["opens at the first 01:30 (EDT)", "2026-11-01T05:30:00Z", open],
      ["01:29 EST, 59 real minutes in", "2026-11-01T06:29:00Z", open],
      ["closes at the second 01:30 (EST)", "2026-11-01T06:30:00Z", closed("2026-11-08T06:30:00Z")],
    ])("fall back, sun 01:30 for 60 min: %s", (_what, now, expected) => {
      const mw = windows("America/New_York", [{ days: ["sun"], start: "01:30", durationMinutes: 60 }]);
      expect(isInWindow(mw, at(now))).toEqual(expected);
    });

    it("a nightly window keeps its wall-clock start on both sides of the change", () => {
      const mw = windows("America/New_York", [{ days: ["sat", "sun", "mon"], start: "01:00", durationMinutes: 60 }]);
      expect(isInWindow(mw, at("2026-03-07T06:00:00Z"))).toEqual(open); // Sat 01:00 EST
      expect(isInWindow(mw, at("2026-03-09T05:00:00Z"))).toEqual(open); // Mon 01:00 EDT
      expect(isInWindow(mw, at("2026-03-09T04:59:00Z"))).toEqual(closed("2026-03-09T05:00:00Z"));
    });
  });
});
