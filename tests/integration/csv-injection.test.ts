import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Database } from "@/db/client";
import { appendAudit, auditPage, SYSTEM_ACTOR } from "@/db/queries/audit";
import { csvSafeSql, historyCsvCopy, historyEventBatches, resolveHistoryFilter, type HistoryEvent } from "@/db/queries/history";
import { ingestReports } from "@/db/queries/ingest";
import { csvSafe, FORMULA_TRIGGERS } from "@/lib/export/csv-safe";
import { exportBatches, exportStream } from "@/lib/export/stream";
import { HISTORY_EXPORT_COLUMNS } from "@/lib/history/query";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { report } from "../helpers/reports";

const PAYLOADS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"];
const CORPUS = [...PAYLOADS, "", "plain", "'quoted", " =space first", "a=b", "é=", "==", "-", "\n=1", "0", ...FORMULA_TRIGGERS];

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    }
    else if (ch === "\n" || (ch === "\r" && csv[i + 1] === "\n")) {
      if (ch === "\r") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows;
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

// Every CSV export path: exportStream (audit), exportBatches (history on PGlite and the cursor
// path) and Postgres COPY (history CSV on Postgres). No cell may start with a formula character.
describe.each(testDatabases())("CSV exports neutralise formulas ($name)", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    const db = database.db;
    for (const [i, payload] of PAYLOADS.entries()) {
      const hostId = randomMachineId();
      await ingestReports(db, [report({ hostId, receivedAt: new Date(Date.now() - 60_000) })]);
      await ingestReports(db, [report({ hostId, updateState: "error", errorCode: payload, errorMessage: payload, osVersion: "4081.2.0" })]);
      await db.transaction((tx) => appendAudit(tx, SYSTEM_ACTOR, { action: "test.csv", targetType: "test", targetId: String(i), reason: payload }));
    }
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const cells = (csv: string) => parseCsv(csv).slice(1).flat();
  const assertSafe = (csv: string) => {
    const all = cells(csv);
    expect(all.length).toBeGreaterThan(0);
    for (const c of all) expect(FORMULA_TRIGGERS.some((t) => c.startsWith(t)), JSON.stringify(c)).toBe(false);
    for (const p of PAYLOADS) expect(all).toContain(`'${p}`);
  };

  it("history CSV (COPY on Postgres, batches on PGlite)", async () => {
    const resolved = await resolveHistoryFilter(database.db, {});
    const copy = await historyCsvCopy(database.db, resolved);
    expect(copy === null).toBe(target.name === "pglite");
    assertSafe(await text(copy ?? exportBatches<HistoryEvent>("csv", HISTORY_EXPORT_COLUMNS, historyEventBatches(database.db, resolved), (r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }))));
    // The cursor path (Postgres NDJSON's source) formats CSV the same way.
    assertSafe(await text(exportBatches<HistoryEvent>("csv", HISTORY_EXPORT_COLUMNS, historyEventBatches(database.db, resolved), (r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }))));
  });

  it("audit CSV", async () => {
    const cols = ["id", "at", "action", "targetId", "reason"];
    assertSafe(await text(exportStream("csv", cols, (after) => auditPage(database.db, { action: "test.csv" }, after, 2), (r) => ({ ...r, at: r.at.toISOString() }))));
  });

  it("the SQL rule gives the TypeScript rule's answers (differential)", async () => {
    for (const input of CORPUS) {
      const [row] = rowsOf<{ out: string }>(await database.db.execute(sql`SELECT ${csvSafeSql(sql`${input}::text`)} AS out`));
      expect(row!.out, JSON.stringify(input)).toBe(csvSafe(input));
    }
    const [nul] = rowsOf<{ out: string | null }>(await database.db.execute(sql`SELECT ${csvSafeSql(sql`NULL::text`)} AS out`));
    expect(nul!.out).toBeNull();
  });
});
