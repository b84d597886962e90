import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** One (target, scenario) measurement as printed and written to bench-results/latest.json. */
export interface RunResult {
  target: string;
  scenario: string;
  /** What one request is: reports, check-ins, polls. */
  unit?: string;
  durationSeconds: number;
  connections: number;
  /** Accepted (2xx) requests per second over the measured window. */
  okPerSecond?: number;
  latencyMs?: { p50: number; p90: number; p99: number; max: number };
  requests?: number;
  ok2xx?: number;
  non2xx?: number;
  /** Connection errors and timeouts. */
  errors?: number;
  /** 2xx answers including the warm-up, i.e. everything the server acknowledged. */
  acknowledged?: number;
  stored?: number;
  durable?: boolean;
  /** CPU the server child used over the measured window, in cores (1.0 = one core busy). */
  serverCores?: number;
  /** CPU of the local Postgres processes over the window, in cores. */
  databaseCores?: number;
  /** Mean reports per ingest transaction (Flotilla's group commit), over the whole run. */
  meanBatch?: number;
  /** CPU of this process (autocannon) over the window, in cores. */
  loadCores?: number;
  error?: string;
}

const num = (n: number | undefined, digits = 0) => (n === undefined ? "—" : n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));

const cores = (n: number | undefined) => (n === undefined ? "—" : n.toFixed(2));

export function formatTable(results: readonly RunResult[]): string {
  const header = ["target", "scenario", "ok/s", "p50 ms", "p99 ms", "2xx", "non-2xx", "errors", "stored / acked", "batch", "server cores", "db cores", "load cores"];
  const rows = results.map((r) =>
    r.error
      ? [r.target, r.scenario, "FAILED", "", "", "", "", "", "", "", "", "", ""]
      : [
          r.target,
          r.scenario,
          `${num(r.okPerSecond)} ${r.unit ?? ""}`.trim(),
          num(r.latencyMs?.p50, 1),
          num(r.latencyMs?.p99, 1),
          num(r.ok2xx),
          num(r.non2xx),
          num(r.errors),
          r.stored === undefined ? "n/a" : `${num(r.stored)} / ${num(r.acknowledged)}${r.durable ? "" : " LOST"}`,
          num(r.meanBatch, 1),
          cores(r.serverCores),
          cores(r.databaseCores),
          cores(r.loadCores),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9]);
  const line = (cells: readonly string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function writeResults(root: string, options: Record<string, unknown>, results: readonly RunResult[]): string {
  const dir = path.join(root, "bench-results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  const doc = {
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    options,
    results,
  };
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}
