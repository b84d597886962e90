// Child process of `npm run bench -- --history`: streams the whole fleet history as CSV through
// the same code the export route uses (historyEvents pages → exportStream), counting bytes and
// rows, and reports its own peak RSS. A separate process so RSS is the export's alone.
import { openDatabase } from "@/db/client";
import { historyCsvCopy, historyEventBatches, type HistoryEvent } from "@/db/queries/history";
import { exportBatches } from "@/lib/export/stream";
import { HISTORY_EXPORT_COLUMNS } from "@/lib/history/query";

const url = process.argv[2];
if (!url) throw new Error("usage: history-export.ts <postgres url>");
const database = await openDatabase({ url, poolSize: 2 });
const t0 = process.hrtime.bigint();
let rows = 0;
async function* counted(): AsyncGenerator<HistoryEvent[]> {
  for await (const batch of historyEventBatches(database.db, {})) {
    rows += batch.length;
    yield batch;
  }
}
// The same code the export route runs: a cursor's batches → CSV.
const stream = (await historyCsvCopy(database.db, {})) ?? exportBatches<HistoryEvent>("csv", HISTORY_EXPORT_COLUMNS, counted(), (r) => ({ ...r, receivedAt: r.receivedAt.toISOString() }));
let bytes = 0;
let newlines = 0;
for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
  bytes += chunk.byteLength;
  // COPY hands over bytes, not rows: count the lines (no exported field holds a newline
  // unquoted; quoted ones are rare enough not to matter for a rate).
  for (let i = 0; i < chunk.byteLength; i++) if (chunk[i] === 10) newlines++;
}
if (rows === 0) rows = Math.max(0, newlines - 1);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
await database.close();
process.stdout.write(`${JSON.stringify({ rows, bytes, seconds, rowsPerSecond: rows / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
