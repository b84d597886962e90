import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { getHost, hostHistory, listHosts, STALE_AFTER_MS } from "@/db/queries/hosts";
import { getTableColumns } from "drizzle-orm";
import { HOST_COLUMNS, ingestReports, REPORT_COLUMNS } from "@/db/queries/ingest";
import { hostReports, hosts } from "@/db/schema/fleet";
import { historyPage } from "@/db/queries/history";
import { ReportWriter } from "@/db/report-writer";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { report } from "../helpers/reports";
import { HostQuerySchema, hostQueryInput, LAST_SEEN_STEP_MINUTES } from "@/lib/fleet/host-query";

describe("bulk insert column lists", () => {
  it("cover every column of hosts and host_reports (but the generated id and what the statement derives)", () => {
    const names = (t: typeof hosts | typeof hostReports) => Object.values(getTableColumns(t)).map((c) => c.name).sort();
    expect(HOST_COLUMNS.map(([n]) => n).sort()).toEqual(names(hosts));
    expect(REPORT_COLUMNS.map(([n]) => n).sort()).toEqual(names(hostReports).filter((n) => !["id", "change", "from_version"].includes(n)));
  });
});

describe.each(testDatabases())("report ingest on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("appends every report to the history and keeps the newest as the host's state", async () => {
    const id = randomMachineId();
    const t0 = new Date(Date.now() - 60_000);
    await ingestReports(database.db, [report({ hostId: id, receivedAt: t0, osVersion: "3975.2.2", updateState: "idle" })]);
    await ingestReports(database.db, [
      report({ hostId: id, receivedAt: new Date(t0.getTime() + 10_000), osVersion: "3975.2.2", updateState: "downloading" }),
      report({ hostId: id, receivedAt: new Date(t0.getTime() + 20_000), osVersion: "4081.2.0", previousVersion: "3975.2.2", updateState: "idle", labels: { site: "berlin" } }),
    ]);
    const host = await getHost(database.db, id);
    expect(host).toMatchObject({ osVersion: "4081.2.0", previousVersion: "3975.2.2", updateState: "idle", labels: { site: "berlin" }, reportCount: 3 });
    expect(host?.firstSeenAt.getTime()).toBe(t0.getTime());
    const history = await hostHistory(database.db, id, { limit: 10 });
    expect(history.items.map((r) => r.updateState)).toEqual(["idle", "downloading", "idle"]);
    expect(history.items.map((r) => r.osVersion)).toEqual(["4081.2.0", "3975.2.2", "3975.2.2"]);
  });

  it("takes the same host twice in one batch (newest wins, both in history)", async () => {
    const id = randomMachineId();
    const now = Date.now();
    await ingestReports(database.db, [
      report({ hostId: id, receivedAt: new Date(now + 5), updateState: "error", errorCode: "44", errorMessage: "rolled back" }),
      report({ hostId: id, receivedAt: new Date(now), updateState: "staged" }),
    ]);
    expect((await getHost(database.db, id))?.updateState).toBe("error");
    expect((await hostHistory(database.db, id, { limit: 10 })).items).toHaveLength(2);
  });

  it("an older report arriving late does not move last-seen backwards", async () => {
    const id = randomMachineId();
    const now = Date.now();
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(now) })]);
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(now - 30_000) })]);
    expect((await getHost(database.db, id))?.lastSeenAt.getTime()).toBe(now);
  });

  it("moves the indexed last-seen step only after a step's time; the exact last seen moves every report", async () => {
    const id = randomMachineId();
    const step = LAST_SEEN_STEP_MINUTES * 60_000;
    const t0 = Date.now() - 3 * step;
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(t0) })]);
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(t0 + step - 1_000) })]);
    let host = await getHost(database.db, id);
    expect(host?.lastSeenAt.getTime()).toBe(t0 + step - 1_000);
    expect(host?.lastSeenStep.getTime()).toBe(t0);
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(t0 + step) })]);
    host = await getHost(database.db, id);
    expect(host?.lastSeenStep.getTime()).toBe(t0 + step);
    // A late report never moves either backwards.
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(t0) })]);
    host = await getHost(database.db, id);
    expect([host?.lastSeenAt.getTime(), host?.lastSeenStep.getTime()]).toEqual([t0 + step, t0 + step]);
  });

  it("decides stale on the exact last seen, even when the step is older than the cutoff", async () => {
    const id = randomMachineId();
    const cutoff = Date.now() - STALE_AFTER_MS;
    // Step taken 10 minutes before the cutoff; last seen 4 minutes after it, within the step.
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(cutoff - 10 * 60_000) })]);
    await ingestReports(database.db, [report({ hostId: id, receivedAt: new Date(cutoff + 4 * 60_000) })]);
    const ids = async (stale: boolean) => (await listHosts(database.db, HostQuerySchema.parse(hostQueryInput(new URLSearchParams(`q=${id}&stale=${stale}`))))).items.map((h) => h.id);
    expect(await ids(true)).toEqual([]);
    expect(await ids(false)).toEqual([id]);
  });

  it("group commit: concurrent submissions are batched and each resolves only once stored", async () => {
    const sizes: number[] = [];
    const writer = new ReportWriter(database.db, database.kind === "pglite" ? 1 : 3, { onBatch: (n) => sizes.push(n) });
    const ids = Array.from({ length: 300 }, () => randomMachineId());
    await Promise.all(ids.map((hostId) => writer.submit(report({ hostId }))));
    const stored = rowsOf<{ n: number }>(
      await database.db.execute(sql`SELECT count(*)::int AS n FROM host_reports WHERE host_id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`),
    );
    expect(stored[0]?.n).toBe(300);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300);
    // With 300 reports in flight at once, far fewer than 300 transactions were needed.
    expect(sizes.length).toBeLessThan(300);
  });

  it("a row the database refuses fails alone; the reports batched with it are stored", async () => {
    const writer = new ReportWriter(database.db, 1);
    const [first, good, bad] = [randomMachineId(), randomMachineId(), randomMachineId()];
    // All three share one batch. A NUL byte in text is refused by Postgres (SQLSTATE 22021) and fails that statement.
    const results = await Promise.allSettled([
      writer.submit(report({ hostId: first })),
      writer.submit(report({ hostId: good })),
      writer.submit(report({ hostId: bad, hostname: "bad\u0000name" })),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect(await getHost(database.db, good)).not.toBeNull();
    expect(await getHost(database.db, bad)).toBeNull();
    // The writer is still healthy afterwards: it drains and takes new reports.
    await writer.drain();
    const later = randomMachineId();
    await writer.submit(report({ hostId: later }));
    expect(await getHost(database.db, later)).not.toBeNull();
  });

  it("pages the history for export by id, filtered by host, protocol and time", async () => {
    const id = randomMachineId();
    const t0 = Date.now() - 10_000;
    await ingestReports(database.db, Array.from({ length: 7 }, (_, i) => report({ hostId: id, receivedAt: new Date(t0 + i * 1000), protocol: i % 2 ? "omaha" : "native" })));
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await historyPage(database.db, { hostId: id }, after, 3);
      seen.push(...page.rows.map((r) => r.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toHaveLength(7);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect((await historyPage(database.db, { hostId: id, protocol: "omaha" }, 0, 100)).rows).toHaveLength(3);
    expect((await historyPage(database.db, { hostId: id, from: new Date(t0 + 5000) }, 0, 100)).rows).toHaveLength(2);
  });
});
