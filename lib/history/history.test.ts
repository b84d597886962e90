import { describe, expect, it } from "vitest";
import { bucketStarts, versionDistribution } from "./charts";
import { classifyChange, type HostFacts } from "./events";
import { planPartitions, partitionDay, partitionName } from "./partitions";
import { decodeHistoryCursor, encodeHistoryCursor, HistoryFilterSchema, HostsOnVersionSchema } from "./query";

const facts = (o: Partial<HostFacts> = {}): HostFacts => ({ osVersion: "1.0", updateState: "idle", groupId: "g", errorCode: null, ...o });

describe("classifyChange", () => {
  it.each([
    [null, facts(), "enrolled"],
    [facts(), facts(), null],
    [facts(), facts({ updateState: "checking" }), null],
    [facts({ updateState: "checking" }), facts(), null],
    [facts(), facts({ updateState: "downloading" }), "state"],
    [facts(), facts({ osVersion: "2.0" }), "update"],
    [facts(), facts({ updateState: "error", errorCode: "E" }), "failure"],
    [facts({ updateState: "error", errorCode: "E" }), facts({ updateState: "error", errorCode: "E" }), null],
    [facts({ updateState: "error", errorCode: "E" }), facts({ updateState: "error", errorCode: "F" }), "failure"],
    [facts({ osVersion: "2.0" }), facts({ updateState: "rolled_back" }), "rollback"],
    [facts({ updateState: "rolled_back" }), facts({ updateState: "rolled_back" }), null],
    [facts(), facts({ groupId: "h" }), "group"],
  ] as const)("%o → %o is %s", (before, after, kind) => {
    expect(classifyChange(before, after)).toBe(kind);
  });
});

describe("planPartitions", () => {
  const now = new Date("2025-03-10T05:00:00Z");
  it("drops days wholly older than the retention and creates today plus a week", () => {
    const existing = ["host_reports_default", "host_reports_p20241209", "host_reports_p20241210", "host_reports_p20241211", "host_reports_p20250310"];
    const plan = planPartitions(existing, now, 90);
    // cutoff 2024-12-10T05:00: the 9th ended before it, the 10th still holds retained hours.
    expect(plan.drop).toEqual(["host_reports_p20241209"]);
    expect(plan.create.map((c) => c.name)).toEqual(["20250311", "20250312", "20250313", "20250314", "20250315", "20250316", "20250317"].map((d) => `host_reports_p${d}`));
    expect(plan.create[0]).toMatchObject({ from: new Date("2025-03-11T00:00:00Z"), to: new Date("2025-03-12T00:00:00Z") });
  });
  it("names partitions by UTC day and never treats other tables as days", () => {
    expect(partitionName(new Date("2025-01-07T00:00:00Z"))).toBe("host_reports_p20250107");
    expect(partitionDay("host_reports_p20250107")).toEqual(new Date("2025-01-07T00:00:00Z"));
    expect(partitionDay("host_reports_default")).toBeNull();
  });
});

describe("versionDistribution", () => {
  it("adds deltas to the baseline bucket by bucket and drops versions with no hosts", () => {
    const buckets = bucketStarts(new Date("2025-01-01T00:00:00Z"), new Date("2025-01-04T00:00:00Z"), "day");
    expect(buckets).toHaveLength(3);
    const { versions, points } = versionDistribution(
      new Map([
        ["1.0", 10],
        ["0.9", 0],
      ]),
      [
        { bucket: buckets[1]!, version: "1.0", delta: -4 },
        { bucket: buckets[1]!, version: "2.0", delta: 4 },
        { bucket: buckets[2]!, version: "1.0", delta: -6 },
        { bucket: buckets[2]!, version: "2.0", delta: 6 },
      ],
      buckets,
    );
    expect(versions).toEqual(["1.0", "2.0"]);
    expect(points.map((p) => [p["1.0"], p["2.0"]])).toEqual([
      [10, 0],
      [6, 4],
      [0, 10],
    ]);
  });
});

describe("history query parsing", () => {
  it("round-trips the keyset cursor and refuses a forged one", () => {
    const c = { at: new Date("2025-01-07T10:00:00.123Z"), id: 42 };
    expect(decodeHistoryCursor(encodeHistoryCursor(c))).toEqual(c);
    expect(() => decodeHistoryCursor("bm9wZQ")).toThrow(/cursor/);
  });
  it("names bad filters", () => {
    const r = HistoryFilterSchema.safeParse({ from: "yesterday", state: "exploded", rollout: "x" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["from", "state", "rollout"]);
    expect(HistoryFilterSchema.safeParse({ from: "2025-01-08T00:00:00Z", to: "2025-01-07T00:00:00Z" }).error?.issues[0]?.path).toEqual(["to"]);
    expect(HostsOnVersionSchema.safeParse({ version: "1", from: "2025-01-07T10:00:00Z", to: "2025-01-07T14:00:00Z" }).success).toBe(true);
  });
});
