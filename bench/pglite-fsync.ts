// `npx tsx bench/pglite-fsync.ts [seconds] [in-flight]`: what durable commits cost on the
// embedded database. Drives the report writer (group commit, as the server does) with that many
// reports in flight against PGlite in a temp dir, once with every commit fsynced (the default,
// db/pglite-durable.ts) and once with PGlite's own fsync-off defaults, and prints reports/s.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { fsyncStats } from "@/db/pglite-durable";
import { ReportWriter } from "@/db/report-writer";
import { report } from "../tests/helpers/reports";

const seconds = Number(process.argv[2] ?? 10);
const inFlight = Number(process.argv[3] ?? 64);

async function measure(durable: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-fsync-bench-"));
  const database = await openDatabase({ dataDir: path.join(dir, "data"), durable });
  try {
    const writer = new ReportWriter(database.db, 1);
    let done = 0;
    let batches = 0;
    const fsyncsBefore = fsyncStats.calls;
    const until = Date.now() + seconds * 1000;
    const agent = async (a: number) => {
      for (let i = 0; Date.now() < until; i++) {
        await writer.submit(report({ hostId: (a * 1_000_000 + (i % 500)).toString(16).padStart(32, "0") }));
        done++;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: inFlight }, (_, a) => agent(a)));
    await writer.drain();
    batches = fsyncStats.calls - fsyncsBefore;
    const rate = done / ((Date.now() - started) / 1000);
    return `${durable ? "fsync on (default)" : "fsync off (PGlite's own)"}: ${rate.toFixed(0)} reports/s, ${done} reports, ${batches} fsync calls`;
  } finally {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const durable of [true, false]) process.stdout.write(`${await measure(durable)}\n`);
