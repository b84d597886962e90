import { stringify } from "csv-stringify/sync";
import { csvSafe } from "./csv-safe";

export type ExportFormat = "csv" | "ndjson";

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

export interface Page<R, C = number> {
  rows: R[];
  /** Where the next page starts, or null at the end. */
  next: C | null;
}

/**
 * Streams every row a paged query yields as CSV (header first) or NDJSON, one page in memory at
 * a time, so a million-row export never holds a million rows. `toRecord` flattens a row into
 * the exported columns (nested values become JSON text in CSV).
 */
export function exportStream<R, C = number>(
  format: ExportFormat,
  columns: readonly string[],
  fetchPage: (after: C) => Promise<Page<R, C>>,
  toRecord: (row: R) => Record<string, unknown>,
  // Where the first page starts: id 0 for id-ordered pages, or a keyset cursor's "none".
  start: C = 0 as C,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = start;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started && format === "csv") controller.enqueue(encoder.encode(stringify([[...columns]])));
      started = true;
      const page = await fetchPage(after);
      if (page.rows.length) {
        const records = page.rows.map(toRecord);
        const text = format === "csv" ? stringify(records.map((r) => columns.map((c) => cell(r[c])))) : records.map((r) => JSON.stringify(r)).join("\n") + "\n";
        controller.enqueue(encoder.encode(text));
      }
      if (page.next === null) controller.close();
      else after = page.next;
    },
  });
}

/**
 * The same output from batches of rows (a database cursor): each batch is formatted and handed
 * on before the next is read; cancelling the download stops the source.
 */
export function exportBatches<R>(format: ExportFormat, columns: readonly string[], batches: AsyncIterator<R[]>, toRecord: (row: R) => Record<string, unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started && format === "csv") controller.enqueue(encoder.encode(stringify([[...columns]])));
      started = true;
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const records = next.value.map(toRecord);
      const text = format === "csv" ? stringify(records.map((r) => columns.map((c) => cell(r[c])))) : records.map((r) => JSON.stringify(r)).join("\n") + "\n";
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await batches.return?.(undefined);
    },
  });
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  // Text may come from agents or operators: never a formula (lib/export/csv-safe.ts).
  return typeof v === "string" ? csvSafe(v) : String(v);
}
