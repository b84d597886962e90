// Where a server child spent its CPU (`npm run bench -- --cpu-prof`); also runnable alone:
//   npx tsx bench/profile-summary.ts bench-results/profiles/postgres.cpuprofile
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by package / area (zod, drizzle-orm, pg, node:http, project files, GC, …). */
  byArea: Array<{ area: string; ms: number; share: number }>;
  /** Self time by function. */
  byFunction: Array<{ fn: string; ms: number; share: number }>;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith("node:")) return url.replace(/^node:internal\//, "node:").split("/").slice(0, 2).join("/");
  const file = url.replace(/^file:\/\//, "");
  return `project:${path.relative(process.cwd(), file)}`;
}

/** `drizzle-orm/sql/sql.js` rather than just the package, for the per-function list. */
function where(url: string, fallback: string): string {
  const nm = /node_modules\/(.+)$/.exec(url);
  return nm ? nm[1]! : fallback;
}

export function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${functionName || "(anonymous)"} ${where(url, a)}${url ? `:${lineNumber + 1}` : ""}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, top);
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    byArea: rank(areas).map(([a, us]) => ({ area: a, ms: us / 1000, share: us / total })),
    byFunction: rank(fns).map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total })),
  };
}

/** The busiest profile in a directory: the server's main thread, not tsx's loader thread. */
export function busiestProfile(dir: string): { file: string; summary: ProfileSummary } | undefined {
  if (!fs.existsSync(dir)) return undefined;
  let best: { file: string; summary: ProfileSummary } | undefined;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const file = path.join(dir, name);
    const summary = summarizeProfile(file);
    if (!best || summary.totalMs > best.summary.totalMs) best = { file, summary };
  }
  return best;
}

export function formatProfile(name: string, s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const lines = [`CPU profile ${name}: ${(s.totalMs / 1000).toFixed(1)} s busy, ${(s.idleMs / 1000).toFixed(1)} s idle`, "  self time by area:"];
  for (const a of s.byArea.slice(0, 15)) lines.push(`    ${pct(a.share)}  ${a.area}`);
  lines.push("  self time by function:");
  for (const f of s.byFunction) lines.push(`    ${pct(f.share)}  ${f.fn}`);
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: tsx bench/profile-summary.ts <file.cpuprofile>…\n");
    process.exit(2);
  }
  for (const f of files) process.stdout.write(`${formatProfile(path.basename(f), summarizeProfile(f, 30))}\n\n`);
}
