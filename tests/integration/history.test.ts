import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { appendAudit, listAudit, verifyAuditChain, type Actor } from "@/db/queries/audit";
import { activityChart, fleetCounts, versionChart } from "@/db/queries/history-charts";
import { historyEvents, hostsOnVersion, listHistory, resolveHistoryFilter, rolloutStops } from "@/db/queries/history";
import { ingestReports, type IngestReport } from "@/db/queries/ingest";
import { compactRollups } from "@/db/queries/rollup-compaction";
import { ensureReportPartitions, lastRetentionRun, listReportPartitions, runRetention } from "@/db/queries/retention";
import { auditLog } from "@/db/schema/audit";
import { rolloutEvents, rollouts } from "@/db/schema/rollouts";
import { classifyChange, type HostFacts } from "@/lib/history/events";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { report } from "../helpers/reports";

const DAY = 86_400_000;
// A fixed day in the retained past: partitions for it are created like the job would.
const today = new Date(Math.floor(Date.now() / DAY) * DAY);
const day = new Date(today.getTime() - 3 * DAY);
const at = (hhmm: string) => new Date(`${day.toISOString().slice(0, 10)}T${hhmm}:00.000Z`);

describe.each(testDatabases())("fleet history on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    await ensureReportPartitions(database.db, new Date(day.getTime() - 2 * DAY), new Date(today.getTime() + 2 * DAY));
  });
  afterAll(async () => {
    await database?.dispose();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const send = (reports: IngestReport[]) => ingestReports(database.db, reports);

  it("classifies each report exactly like lib/history/events.ts, within and across batches", async () => {
    const id = randomMachineId();
    const steps: Array<Partial<IngestReport>> = [
      { osVersion: "1.0.0" },
      { osVersion: "1.0.0" },
      { osVersion: "1.0.0", updateState: "checking" },
      { osVersion: "1.0.0", updateState: "downloading" },
      { osVersion: "1.0.0", updateState: "error", errorCode: "E1" },
      { osVersion: "1.0.0", updateState: "error", errorCode: "E2" },
      { osVersion: "2.0.0" },
      { osVersion: "1.0.0", updateState: "rolled_back" },
      { osVersion: "1.0.0", updateState: "rolled_back" },
      { osVersion: "1.0.0", updateState: "rolled_back", groupId: "elsewhere" },
    ];
    const reports = steps.map((s, i) => report({ hostId: id, receivedAt: new Date(at("06:00").getTime() + i * 1000), ...s }));
    // Two batches: the first ends mid-sequence, so both the in-batch and the stored "before" are used.
    await send(reports.slice(0, 4));
    await send(reports.slice(4));
    let before: HostFacts | null = null;
    const expected = reports.map((r) => {
      const after: HostFacts = { osVersion: r.osVersion, updateState: r.updateState, groupId: r.groupId, errorCode: r.errorCode };
      const kind = classifyChange(before, after);
      before = after;
      return kind;
    });
    const stored = rowsOf<{ change: string | null }>(await database.db.execute(sql`SELECT change FROM host_reports WHERE host_id = ${id} ORDER BY received_at`));
    expect(stored.map((r) => r.change)).toEqual(expected);
    expect(expected).toEqual(["enrolled", null, null, "state", "failure", "failure", "update", "rollback", null, "group"]);
  });

  it("answers which hosts ran version X between 10:00 and 14:00, exactly", async () => {
    const h = Object.fromEntries("ABCDEFGHI".split("").map((k) => [k, randomMachineId()]));
    const r = (k: string, time: string, osVersion: string, extra: Partial<IngestReport> = {}) => report({ hostId: h[k]!, receivedAt: at(time), osVersion, groupId: "window", ...extra });
    await send([r("A", "08:00", "1.0"), r("B", "08:00", "2.0"), r("C", "08:00", "1.0"), r("D", "08:00", "2.0"), r("G", "08:00", "2.0"), r("H", "08:00", "1.0"), r("I", "08:00", "2.0")]);
    await send([r("D", "09:00", "3.0"), r("H", "09:00", "2.0")]);
    await send([r("H", "09:30", "3.0")]);
    await send([r("A", "11:00", "2.0"), r("B", "11:00", "2.0")]); // B: a check that changes nothing
    await send([r("G", "12:00", "2.0", { updateState: "downloading" }), r("I", "12:00", "3.0")]);
    await send([r("E", "13:00", "2.0")]);
    await send([r("C", "15:00", "2.0"), r("F", "15:00", "2.0")]);
    await send([r("G", "16:00", "3.0")]);
    const ask = async (version: string) => {
      const answer = await hostsOnVersion(database.db, { version, from: at("10:00"), to: at("14:00"), limit: 100 });
      const names = Object.fromEntries(Object.entries(h).map(([k, id]) => [id, k]));
      return answer.hosts.map((x) => names[x.id]).filter(Boolean).sort();
    };
    // A updated onto it at 11:00; B ran it all along; E enrolled on it at 13:00; G ran it until
    // 16:00; I left it at 12:00. C got it at 15:00, F enrolled at 15:00, D and H left before 10:00.
    expect(await ask("2.0")).toEqual(["A", "B", "E", "G", "I"]);
    expect(await ask("1.0")).toEqual(["A", "C"]);
    expect(await ask("3.0")).toEqual(["D", "H", "I"]);
  });

  it("lists only change events, filters them and pages by keyset without gaps or repeats", async () => {
    const ids = [randomMachineId(), randomMachineId()];
    const batch: IngestReport[] = [];
    for (let i = 0; i < 6; i++) {
      for (const id of ids) batch.push(report({ hostId: id, receivedAt: at(`07:0${i}`), osVersion: `5.${i}`, groupId: "paging", channelId: "stable", protocol: i % 2 ? "omaha" : "native" }));
      // A repeated check in between: stored raw, never listed.
      batch.push(report({ hostId: ids[0]!, receivedAt: new Date(at(`07:0${i}`).getTime() + 30_000), osVersion: `5.${i}`, groupId: "paging", channelId: "stable" }));
    }
    await send(batch);
    const filter = await resolveHistoryFilter(database.db, { group: "paging" });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHistory(database.db, filter, { limit: 5, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const all = await historyEvents(database.db, filter, null, 100);
    expect(all.rows.map((r) => r.receivedAt.getTime())).toEqual([...all.rows.map((r) => r.receivedAt.getTime())].sort((a, b) => b - a));
    expect((await historyEvents(database.db, { group: "paging", protocol: "omaha" }, null, 100)).rows).toHaveLength(6);
    expect((await historyEvents(database.db, { group: "paging", channel: "stable", change: "enrolled" }, null, 100)).rows).toHaveLength(2);
    expect((await historyEvents(database.db, { host: ids[1]!, version: "5.3" }, null, 100)).rows).toHaveLength(1);
    expect((await historyEvents(database.db, { group: "paging", from: at("07:02"), to: at("07:04") }, null, 100)).rows).toHaveLength(4);
  });

  it("filters by rollout: its hosts, while it ran", async () => {
    const [inside, outside] = [randomMachineId(), randomMachineId()];
    const [ro] = await database.db
      .insert(rollouts)
      .values({ groupId: "ro-group", version: "9.1", status: "completed", plan: {} as never, createdBy: "ana", createdAt: at("09:00"), finishedAt: at("10:00") })
      .returning();
    await database.db.execute(sql`INSERT INTO rollout_hosts (rollout_id, host_id, version, phase_index) VALUES (${ro!.id}, ${inside}, '9.1', 0)`);
    await send([report({ hostId: inside, receivedAt: at("08:00"), osVersion: "9.0" }), report({ hostId: outside, receivedAt: at("08:00"), osVersion: "9.0" })]);
    await send([report({ hostId: inside, receivedAt: at("09:30"), osVersion: "9.1" }), report({ hostId: outside, receivedAt: at("09:30"), osVersion: "9.1" })]);
    await send([report({ hostId: inside, receivedAt: at("11:00"), osVersion: "9.2" })]);
    const events = await historyEvents(database.db, await resolveHistoryFilter(database.db, { rollout: ro!.id }), null, 100);
    expect(events.rows.map((e) => [e.hostId, e.osVersion])).toEqual([[inside, "9.1"]]);
    await expect(resolveHistoryFilter(database.db, { rollout: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("keeps the rollups equal to a recount, also under concurrent batches", async () => {
    const fleet = Array.from({ length: 40 }, () => randomMachineId());
    const t0 = at("18:00").getTime();
    const wave = (n: number, version: string, state: IngestReport["updateState"]) =>
      fleet.map((id, i) => report({ hostId: id, receivedAt: new Date(t0 + n * 60_000 + i), osVersion: version, updateState: state, groupId: i % 2 ? "rollup-a" : "rollup-b", channelId: "stable", health: [{ name: "k", ok: i % 7 !== 0 }] }));
    await send(wave(0, "7.0", "idle"));
    // Overlapping batches of the same hosts at once: the counts must not drift.
    await Promise.all([send(wave(1, "7.0", "downloading").slice(0, 25)), send(wave(1, "7.0", "downloading").slice(15)), send(wave(2, "7.1", "idle").slice(10, 30))]);
    await send(wave(3, "7.1", "error").slice(0, 5));
    const recount = rowsOf<{ k: string; n: number }>(
      await database.db.execute(sql`SELECT group_id || '/' || os_version || '/' || update_state || '/' || health_ok AS k, count(*)::int AS n FROM hosts WHERE group_id IN ('rollup-a', 'rollup-b') GROUP BY 1 ORDER BY 1`),
    );
    const kept = rowsOf<{ k: string; n: number }>(
      await database.db.execute(sql`SELECT group_id || '/' || os_version || '/' || update_state || '/' || health_ok AS k, sum(hosts)::int AS n FROM fleet_state_counts WHERE group_id IN ('rollup-a', 'rollup-b') GROUP BY 1 HAVING sum(hosts) <> 0 ORDER BY 1`),
    );
    expect(kept).toEqual(recount);
    const chart = await versionChart(database.db, { from: at("17:00"), to: at("20:00"), bucket: "hour", group: "rollup-a" });
    const last = chart.points[chart.points.length - 1]!;
    const onVersion = rowsOf<{ v: string; n: number }>(await database.db.execute(sql`SELECT os_version AS v, count(*)::int AS n FROM hosts WHERE group_id = 'rollup-a' GROUP BY 1`));
    for (const { v, n } of onVersion) expect(last[v]).toBe(n);
    const activity = await activityChart(database.db, { from: at("18:00"), to: at("19:00"), bucket: "hour", group: "rollup-b" });
    expect(activity.points).toHaveLength(1);
    expect(activity.points[0]!.enrolled).toBe(20);
    expect((await fleetCounts(database.db)).total).toBeGreaterThanOrEqual(40);
  });

  it("folds striped counter rows into one row a key without changing any sum", async () => {
    const hour = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    const past = new Date(hour.getTime() - 5 * 3600_000);
    const dims = (version: string) => sql`'fold-g', 'stable', 'flatcar', ${version}, 'idle', true`;
    // As concurrent writers leave them: one key spread over stripes (one negative), one key
    // whose stripes cancel out, closed and current hours.
    await database.db.execute(sql`INSERT INTO fleet_state_counts (group_id, channel_id, os_family, os_version, update_state, health_ok, hosts, shard) VALUES
      (${dims("1.0")}, 3, 0), (${dims("1.0")}, -1, 5), (${dims("1.0")}, 2, 9), (${dims("2.0")}, 1, 4), (${dims("2.0")}, -1, 7)`);
    await database.db.execute(sql`INSERT INTO history_hourly (hour, group_id, os_version, change, events, shard) VALUES
      (${past}, 'fold-g', '1.0', 'update', 2, 0), (${past}, 'fold-g', '1.0', 'update', 5, 3), (${past}, 'fold-g', '1.0', 'update', 1, 11),
      (${hour}, 'fold-g', '1.0', 'update', 4, 3)`);
    await database.db.execute(sql`INSERT INTO version_hourly (hour, group_id, os_version, delta, shard) VALUES
      (${past}, 'fold-g', '1.0', 4, 1), (${past}, 'fold-g', '1.0', -1, 2), (${hour}, 'fold-g', '1.0', 2, 6)`);
    const state = async () => ({
      counts: rowsOf(await database.db.execute(sql`SELECT os_version, shard, hosts::int AS n FROM fleet_state_counts WHERE group_id = 'fold-g' ORDER BY 1, 2`)),
      hourly: rowsOf(await database.db.execute(sql`SELECT hour = ${hour} AS current, shard, events AS n FROM history_hourly WHERE group_id = 'fold-g' ORDER BY 1, 2`)),
      versions: rowsOf(await database.db.execute(sql`SELECT hour = ${hour} AS current, shard, delta AS n FROM version_hourly WHERE group_id = 'fold-g' ORDER BY 1, 2`)),
    });
    const overview = (await fleetCounts(database.db)).byGroup.find((g) => g.key === "fold-g");
    expect(overview?.count).toBe(4);
    const result = await compactRollups(database.db);
    expect(result?.folded).toMatchObject({ fleet_state_counts: expect.any(Number), history_hourly: expect.any(Number), version_hourly: expect.any(Number) });
    expect(await state()).toEqual({
      // 3 − 1 + 2 in one row; the key that summed to nothing is gone.
      counts: [{ os_version: "1.0", shard: 0, n: 4 }],
      // Closed hours fold to stripe 0; the current hour is left to its writers.
      hourly: [
        { current: false, shard: 0, n: 8 },
        { current: true, shard: 3, n: 4 },
      ],
      versions: [
        { current: false, shard: 0, n: 3 },
        { current: true, shard: 6, n: 2 },
      ],
    });
    expect((await fleetCounts(database.db)).byGroup.find((g) => g.key === "fold-g")?.count).toBe(4);
  });

  it("answers who paused channel stable last Tuesday and why", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const ana: Actor = { userId: null, email: "ana@example.com", role: "operator", via: "session", clientAddr: "10.0.0.7" };
    const bo: Actor = { ...ana, email: "bo@example.com" };
    const tuesday = new Date("2025-01-07T09:12:00Z");
    vi.setSystemTime(new Date("2025-01-06T15:00:00Z"));
    await database.db.transaction((tx) => appendAudit(tx, bo, { action: "channel.pause", targetType: "channel", targetId: "stable", reason: "Monday drill" }));
    vi.setSystemTime(tuesday);
    await database.db.transaction((tx) => appendAudit(tx, ana, { action: "channel.pause", targetType: "channel", targetId: "stable", reason: "4081.2.0 breaks NIC firmware on Dell R650" }));
    await database.db.transaction((tx) => appendAudit(tx, ana, { action: "channel.pause", targetType: "channel", targetId: "beta", reason: "unrelated" }));
    vi.setSystemTime(new Date("2025-01-07T16:00:00Z"));
    await database.db.transaction((tx) => appendAudit(tx, bo, { action: "channel.resume", targetType: "channel", targetId: "stable", reason: "firmware fixed" }));
    vi.useRealTimers();
    const answer = await listAudit(database.db, { action: "channel.pause", targetType: "channel", targetId: "stable", from: new Date("2025-01-07T00:00:00Z"), to: new Date("2025-01-08T00:00:00Z"), limit: 10 });
    expect(answer.items.map((r) => ({ who: r.actorEmail, why: r.reason, at: r.at.toISOString() }))).toEqual([{ who: "ana@example.com", why: "4081.2.0 breaks NIC firmware on Dell R650", at: tuesday.toISOString() }]);
  });

  it("answers why the rollout to berlin-edge stopped", async () => {
    const [ro] = await database.db
      .insert(rollouts)
      .values({
        groupId: "berlin-edge",
        version: "4081.2.0",
        fromVersion: "3975.2.2",
        status: "paused",
        plan: {} as never,
        createdBy: "ana@example.com",
        stoppedBy: { kind: "threshold", reason: "failure rate 12.5 % (3 of 24) above 10 % in phase canary" },
        createdAt: at("08:00"),
      })
      .returning();
    await database.db.insert(rolloutEvents).values([
      { rolloutId: ro!.id, at: at("08:00"), kind: "started", actor: "ana@example.com", detail: {} },
      { rolloutId: ro!.id, at: at("09:40"), kind: "paused", actor: "threshold", detail: { kind: "threshold", reason: "failure rate 12.5 % (3 of 24) above 10 % in phase canary", rate: 0.125, sample: 24 } },
    ]);
    const [stop] = await rolloutStops(database.db, "berlin-edge");
    expect(stop).toMatchObject({ version: "4081.2.0", status: "paused", stoppedBy: { kind: "threshold", reason: "failure rate 12.5 % (3 of 24) above 10 % in phase canary" } });
    expect(stop!.stopEvent).toMatchObject({ kind: "paused", actor: "threshold" });
    expect(stop!.stoppedAt.toISOString()).toBe(at("09:40").toISOString());
    expect(stop!.timeline.map((e) => e.kind)).toEqual(["started", "paused"]);
  });

  it("names the row when an audit row is deleted", async () => {
    const actor: Actor = { userId: null, email: "ops@example.com", role: "admin", via: "session", clientAddr: null };
    for (const n of [1, 2, 3]) await database.db.transaction((tx) => appendAudit(tx, actor, { action: "test.delete", targetType: "t", targetId: String(n) }));
    const rows = await database.db.select().from(auditLog).where(sql`action = 'test.delete'`).orderBy(auditLog.id);
    const [, victim, next] = rows;
    await database.db.execute(sql`DELETE FROM audit_log WHERE id = ${victim!.id}`);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: next!.id, problem: "link_broken" });
    // Put it back so later suites see an intact chain.
    await database.db.insert(auditLog).values(victim!);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it("retention drops whole old days and keeps rollups and the audit log", async () => {
    const now = new Date(today.getTime() + 12 * 3600_000);
    const old = new Date(today.getTime() - 40 * DAY);
    await ensureReportPartitions(database.db, old, new Date(old.getTime() + DAY));
    const id = randomMachineId();
    await send([report({ hostId: id, receivedAt: new Date(old.getTime() + 3600_000), osVersion: "0.9", groupId: "retention" })]);
    await send([report({ hostId: id, receivedAt: new Date(old.getTime() + 7200_000), osVersion: "0.9", updateState: "downloading", groupId: "retention" })]);
    const rollupsBefore = rowsOf<{ n: number }>(await database.db.execute(sql`SELECT sum(events)::int AS n FROM history_hourly WHERE group_id = 'retention'`))[0]?.n;
    const auditBefore = rowsOf<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM audit_log`))[0]?.n;
    const run = await runRetention(database.db, { retentionDays: 30, now });
    const oldName = `host_reports_p${old.toISOString().slice(0, 10).replaceAll("-", "")}`;
    expect(run?.droppedPartitions).toContain(oldName);
    expect(run?.droppedRows).toBeGreaterThanOrEqual(2);
    expect(run?.error).toBeNull();
    const partitions = await listReportPartitions(database.db);
    expect(partitions).not.toContain(oldName);
    // A week ahead exists, the default partition stays, recent days stay.
    expect(partitions).toContain(`host_reports_p${new Date(today.getTime() + 7 * DAY).toISOString().slice(0, 10).replaceAll("-", "")}`);
    expect(partitions).toContain("host_reports_default");
    expect(partitions).toContain(`host_reports_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`);
    expect(rowsOf<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM host_reports WHERE host_id = ${id}`))[0]?.n).toBe(0);
    expect(rowsOf<{ n: number }>(await database.db.execute(sql`SELECT sum(events)::int AS n FROM history_hourly WHERE group_id = 'retention'`))[0]?.n).toBe(rollupsBefore);
    expect(rowsOf<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM audit_log`))[0]?.n).toBe(auditBefore);
    expect(await lastRetentionRun(database.db)).toMatchObject({ id: run!.id, retentionDays: 30 });
    // Nothing left to do: a second run drops nothing.
    expect((await runRetention(database.db, { retentionDays: 30, now }))?.droppedPartitions).toEqual([]);
  });
});
