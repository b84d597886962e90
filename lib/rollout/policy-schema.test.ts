import { describe, expect, it } from "vitest";
import { DEFAULT_GROUP_POLICY, GroupPolicySchema, type GroupPolicy } from "./policy-schema";

function valid(): Record<string, unknown> {
  return {
    maxConcurrentUpdates: 8,
    maxUpdatesPerPeriod: { count: 20, periodMinutes: 60 },
    updateTimeoutMinutes: 30,
    maintenanceWindows: {
      timeZone: "Europe/Berlin",
      windows: [{ days: ["sat", "sun"], start: "22:00", durationMinutes: 240 }],
      blackoutDates: ["2026-12-24", "2028-02-29"],
    },
    phases: [
      { name: "canary", target: { hosts: 10 }, bakeMinutes: 60, failureThreshold: { maxFailureRate: 0.1, minSample: 10, action: "pause" } },
      { name: "early", target: { percent: 10 }, bakeMinutes: 120, failureThreshold: { maxFailureRate: 0.05, minSample: 20, action: "rollback" } },
      { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null },
    ],
    requiresApproval: true,
    approvalsRequired: 2,
  };
}

/** Apply an edit to a fresh valid policy (a path into it, then the new value or undefined to delete). */
function edited(path: Array<string | number>, value: unknown): Record<string, unknown> {
  const root = valid();
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] ?? "";
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

/** The refusals as "path: message", the way the API lists them. */
function errors(input: unknown): string[] {
  const r = GroupPolicySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}
const paths = (input: unknown) => errors(input).map((e) => e.slice(0, e.indexOf(":")));

describe("group rollout policy", () => {
  it("accepts a full policy and types the phase targets", () => {
    const p: GroupPolicy = GroupPolicySchema.parse(valid());
    expect(p.phases.map((x) => x.target)).toEqual([{ hosts: 10 }, { percent: 10 }, { percent: 100 }]);
    expect(p.maintenanceWindows?.windows[0]).toEqual({ days: ["sat", "sun"], start: "22:00", durationMinutes: 240 });
  });

  it("defaults approvalsRequired to 1", () => {
    expect(GroupPolicySchema.parse(edited(["approvalsRequired"], undefined)).approvalsRequired).toBe(1);
  });

  it("accepts nulls for unlimited and always open", () => {
    const p = GroupPolicySchema.parse({ ...valid(), maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, maintenanceWindows: null });
    expect([p.maxConcurrentUpdates, p.maxUpdatesPerPeriod, p.maintenanceWindows]).toEqual([null, null, null]);
  });

  it("accepts the default policy", () => {
    expect(GroupPolicySchema.parse(DEFAULT_GROUP_POLICY)).toEqual(DEFAULT_GROUP_POLICY);
  });

  it("accepts a last phase below 100 % (the rollout completes to everyone after it)", () => {
    const phases = [{ name: "half", target: { percent: 50 }, bakeMinutes: 10, failureThreshold: null }];
    expect(errors({ ...valid(), phases })).toEqual([]);
  });

  it.each([
    ["maxConcurrentUpdates", 1],
    ["updateTimeoutMinutes", 5],
    ["approvalsRequired", 10],
    ["approvalsRequired", 1],
  ])("accepts %s = %s at the edge", (field, value) => {
    expect(errors(edited([field], value))).toEqual([]);
  });

  it.each([
    [["maxConcurrentUpdates"], 0, "maxConcurrentUpdates: at least 1, or no limit"],
    [["maxConcurrentUpdates"], -1, "maxConcurrentUpdates: at least 1, or no limit"],
    [["maxConcurrentUpdates"], 1.5, "maxConcurrentUpdates: a whole number"],
    [["maxUpdatesPerPeriod", "count"], 0, "maxUpdatesPerPeriod.count: at least 1"],
    [["maxUpdatesPerPeriod", "periodMinutes"], 0, "maxUpdatesPerPeriod.periodMinutes: at least 1 minute"],
    [["updateTimeoutMinutes"], 4, "updateTimeoutMinutes: at least 5 minutes"],
    [["approvalsRequired"], 0, "approvalsRequired: at least 1"],
    [["approvalsRequired"], 11, "approvalsRequired: at most 10"],
    [["maintenanceWindows", "timeZone"], "Mars/Olympus", "maintenanceWindows.timeZone: unknown time zone: use an IANA name such as Europe/Berlin"],
    [["maintenanceWindows", "timeZone"], "+01:00", "maintenanceWindows.timeZone: unknown time zone: use an IANA name such as Europe/Berlin"],
    [["maintenanceWindows", "timeZone"], "", "maintenanceWindows.timeZone: unknown time zone: use an IANA name such as Europe/Berlin"],
    [["maintenanceWindows", "windows"], [], "maintenanceWindows.windows: add at least one window, or turn maintenance windows off to allow any time"],
    [["maintenanceWindows", "windows", 0, "durationMinutes"], 0, "maintenanceWindows.windows.0.durationMinutes: a window must last at least 1 minute"],
    [["maintenanceWindows", "windows", 0, "durationMinutes"], 10081, "maintenanceWindows.windows.0.durationMinutes: a window lasts at most a week (10080 minutes)"],
    [["maintenanceWindows", "windows", 0, "days"], [], "maintenanceWindows.windows.0.days: pick at least one day"],
    [["maintenanceWindows", "windows", 0, "days"], ["mon", "funday"], "maintenanceWindows.windows.0.days.1: a day is one of mon, tue, wed, thu, fri, sat, sun"],
    [["maintenanceWindows", "windows", 0, "days"], ["mon", "mon"], "maintenanceWindows.windows.0.days: a day is listed twice"],
    [["maintenanceWindows", "windows", 0, "start"], "24:00", "maintenanceWindows.windows.0.start: must be a time HH:MM (00:00–23:59)"],
    [["maintenanceWindows", "windows", 0, "start"], "9:00", "maintenanceWindows.windows.0.start: must be a time HH:MM (00:00–23:59)"],
    [["maintenanceWindows", "blackoutDates"], ["2026-02-29"], "maintenanceWindows.blackoutDates.0: must be a real date YYYY-MM-DD"],
    [["maintenanceWindows", "blackoutDates"], ["2026-12-24", "2026-13-01"], "maintenanceWindows.blackoutDates.1: must be a real date YYYY-MM-DD"],
    [["maintenanceWindows", "blackoutDates"], ["2026-1-5"], "maintenanceWindows.blackoutDates.0: must be a real date YYYY-MM-DD"],
    [["maintenanceWindows", "blackoutDates"], ["2026-12-24", "2026-12-24"], "maintenanceWindows.blackoutDates: a date is listed twice"],
    [["phases"], [], "phases: a rollout needs at least one phase"],
    [["phases", 0, "target"], { percent: 0 }, "phases.0.target.percent: must be above 0"],
    [["phases", 0, "target"], { percent: 100.5 }, "phases.0.target.percent: at most 100"],
    [["phases", 0, "target"], { hosts: 0 }, "phases.0.target.hosts: at least 1 host"],
    [["phases", 0, "target"], { hosts: 2.5 }, "phases.0.target.hosts: a whole number of hosts"],
    [["phases", 0, "target"], { hosts: 10, percent: 5 }, "phases.0.target: give either percent or hosts"],
    [["phases", 0, "target"], {}, "phases.0.target: give either percent or hosts"],
    [["phases", 1, "bakeMinutes"], -1, "phases.1.bakeMinutes: cannot be negative"],
    [["phases", 1, "name"], "  ", "phases.1.name: a phase needs a name"],
    [["phases", 1, "name"], "canary", "phases.1.name: phase 1 has the same name as phase 0"],
    [["phases", 1, "failureThreshold", "maxFailureRate"], 1.5, "phases.1.failureThreshold.maxFailureRate: between 0 and 1"],
    [["phases", 1, "failureThreshold", "maxFailureRate"], -0.1, "phases.1.failureThreshold.maxFailureRate: between 0 and 1"],
    [["phases", 1, "failureThreshold", "minSample"], 0, "phases.1.failureThreshold.minSample: at least 1"],
    [["phases", 1, "failureThreshold", "action"], "explode", "phases.1.failureThreshold.action: pause or rollback"],
    [["phases", 0, "failureThreshold", "minSample"], 11, "phases.0.failureThreshold.minSample: phase 0 reaches 10 hosts, fewer than the 11 results this threshold waits for"],
  ])("refuses %j = %j", (path, value, message) => {
    expect(errors(edited(path, value))).toEqual([message]);
  });

  it("accepts a threshold waiting for exactly the hosts its phase reaches", () => {
    expect(errors(edited(["phases", 0, "failureThreshold", "minSample"], 10))).toEqual([]);
  });

  it("does not judge a host-count sample after a percentage phase (the share may be larger)", () => {
    const threshold = { maxFailureRate: 0.1, minSample: 50, action: "pause" };
    const phases = [
      { name: "a", target: { percent: 10 }, bakeMinutes: 0, failureThreshold: null },
      { name: "b", target: { hosts: 20 }, bakeMinutes: 0, failureThreshold: threshold },
    ];
    expect(errors({ ...valid(), phases })).toEqual([]);
  });

  describe("phase order", () => {
    const phase = (name: string, target: object) => ({ name, target, bakeMinutes: 0, failureThreshold: null });
    it.each([
      ["decreasing percentages", [phase("a", { percent: 10 }), phase("b", { percent: 5 })], ["phases.1.target.percent: phase 1 must reach more than phase 0 (10 %)"]],
      ["equal percentages", [phase("a", { percent: 10 }), phase("b", { percent: 10 })], ["phases.1.target.percent: phase 1 must reach more than phase 0 (10 %)"]],
      ["decreasing host counts", [phase("a", { hosts: 50 }), phase("b", { hosts: 5 })], ["phases.1.target.hosts: phase 1 must reach more than phase 0 (50 hosts)"]],
      [
        "a percentage below an earlier one, across a host-count phase",
        [phase("a", { percent: 10 }), phase("b", { hosts: 5 }), phase("c", { percent: 5 })],
        ["phases.2.target.percent: phase 2 must reach more than phase 0 (10 %)"],
      ],
      ["a phase after 100 %", [phase("a", { percent: 100 }), phase("b", { hosts: 5 })], ["phases.1.target: phase 1 comes after phase 0, which already reaches 100 %"]],
      [
        "two phases below an earlier one, each named",
        [phase("a", { percent: 50 }), phase("b", { percent: 20 }), phase("c", { percent: 30 })],
        ["phases.1.target.percent: phase 1 must reach more than phase 0 (50 %)", "phases.2.target.percent: phase 2 must reach more than phase 0 (50 %)"],
      ],
    ])("refuses %s", (_what, phases, expected) => {
      expect(errors({ ...valid(), phases })).toEqual(expected);
    });

    it("judges only the phases that parsed", () => {
      expect(errors({ ...valid(), phases: [phase("a", { percent: 10 }), phase("b", { percent: 0 }), phase("c", { percent: 5 })] })).toEqual([
        "phases.1.target.percent: must be above 0",
        "phases.2.target.percent: phase 2 must reach more than phase 0 (10 %)",
      ]);
      // A phase that is not even an object stops zod before the order check; no crash either way.
      expect(errors({ ...valid(), phases: [phase("a", { percent: 10 }), "garbage", { target: "x" }] })).toEqual([
        "phases.1: Invalid input: expected object, received string",
        "phases.2.name: Invalid input: expected string, received undefined",
        "phases.2.target: Invalid input: expected object, received string",
        "phases.2.bakeMinutes: Invalid input: expected number, received undefined",
        "phases.2.failureThreshold: Invalid input: expected object, received undefined",
      ]);
    });

    it("accepts host counts mixed with percentages (compared at run time)", () => {
      expect(errors({ ...valid(), phases: [phase("a", { hosts: 5 }), phase("b", { percent: 1 }), phase("c", { hosts: 100 }), phase("d", { percent: 100 })] })).toEqual([]);
    });
  });

  it("normalizes the case of a time zone", () => {
    const p = GroupPolicySchema.parse(edited(["maintenanceWindows", "timeZone"], "europe/berlin"));
    expect(p.maintenanceWindows?.timeZone).toBe("Europe/Berlin");
    expect(GroupPolicySchema.parse(edited(["maintenanceWindows", "timeZone"], "America/New_York")).maintenanceWindows?.timeZone).toBe("America/New_York");
  });

  it("reports every bad field at once", () => {
    const input = valid();
    const mw = input.maintenanceWindows as { timeZone: string; windows: Array<{ durationMinutes: number }> };
    mw.timeZone = "Europe/Atlantis";
    (mw.windows[0] as { durationMinutes: number }).durationMinutes = 0;
    input.maxConcurrentUpdates = 0;
    expect(paths(input)).toEqual(["maxConcurrentUpdates", "maintenanceWindows.timeZone", "maintenanceWindows.windows.0.durationMinutes"]);
  });

  it("refuses unknown keys, so a misspelt limit is not silently dropped", () => {
    expect(errors({ ...valid(), maxConcurentUpdates: 5 })).toEqual([': Unrecognized key: "maxConcurentUpdates"']);
  });

  it("refuses a missing limit rather than treating it as unlimited", () => {
    expect(paths(edited(["maxConcurrentUpdates"], undefined))).toEqual(["maxConcurrentUpdates"]);
  });
});
