// `npx tsx bench/preview.ts [postgres url]`: the blast-radius preview over a 100k-host fleet
// (PGlite in memory without a URL). Seeds 100,000 hosts through the ingest statement (so the
// live counts are right), then times POST /api/v1/preview's computation for a new target over
// all of them (exact), for one group, and with the 200k cap lowered to take a sample.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { ingestReports, type IngestReport } from "@/db/queries/ingest";
import { previewChange } from "@/db/queries/preview";
import { createReleases } from "@/db/queries/releases";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";

const HOSTS = Number(process.env.PREVIEW_BENCH_HOSTS ?? 100_000);
const url = process.argv[2];
let dbName: string | null = null;
if (url) {
  dbName = `flotilla_bench_preview_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
}
const target = url ? Object.assign(new URL(url), { pathname: `/${dbName}` }).toString() : null;
const database = target ? await openDatabase({ url: target, poolSize: 4 }) : await openDatabase({ dataDir: "memory://" });
const db = database.db;
const rel = (version: string) => ({ osFamily: "flatcar" as const, channelId: "stable", version, arch: "amd64", payloadUrl: "https://u.example/", payloadName: "p.gz", sizeBytes: 1, sha1Base64: "AQ==", sha256Base64: "Ag==", barrier: false, deadend: false, notes: "" });
await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
const [, next] = await createReleases(db, SYSTEM_ACTOR, [rel("3975.2.2"), rel("4081.2.0")], "release.import");
const groups = ["canary", "prod-a", "prod-b", "edge-berlin"];
for (const g of groups) await createGroup(db, SYSTEM_ACTOR, { id: g, description: "", channelId: "stable" });
await updateGroup(db, SYSTEM_ACTOR, "canary", { policy: GroupPolicySchema.parse({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, phases: [{ name: "five", target: { percent: 5 }, bakeMinutes: 60, failureThreshold: null }, { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }] }) });
await updateGroup(db, SYSTEM_ACTOR, "edge-berlin", { requiresApproval: true, approvalsRequired: 2 });
const t0 = Date.now();
for (let i = 0; i < HOSTS; i += 5_000) {
  const batch: IngestReport[] = [];
  for (let j = i; j < Math.min(HOSTS, i + 5_000); j++) {
    const group = j % 10 === 0 ? "default" : groups[j % groups.length]!;
    batch.push({ hostId: randomBytes(16).toString("hex"), receivedAt: new Date(), protocol: "omaha", kind: "check", hostname: `node-${j}`, osFamily: "flatcar", osVersion: "3975.2.2", arch: "amd64", slot: null, deploymentId: null, previousVersion: null, updateState: "idle", errorCode: null, errorMessage: null, health: [], labels: {}, groupId: group, channelId: "stable", agentVersion: null, clientAddr: null, detail: {} });
  }
  await ingestReports(db, batch);
}
const seeded = (Date.now() - t0) / 1000;
const time = async (name: string, run: () => Promise<{ hosts: number; examined: number; exact: boolean; outcomes: Array<{ key: string; count: number }> }>) => {
  const s = process.hrtime.bigint();
  const r = await run();
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  const rss = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ name, ms: Math.round(ms), hosts: r.hosts, examined: r.examined, exact: r.exact, outcomes: r.outcomes.map((o) => `${o.key}=${o.count}`), rssMb: Math.round(rss) })}\n`);
};
process.stdout.write(`${JSON.stringify({ database: url ? "postgres" : "pglite", hosts: HOSTS, seededSeconds: seeded })}\n`);
const change = { kind: "target" as const, channelId: "stable", releaseId: next!.id };
await time("target, whole channel (exact)", () => previewChange(db, change));
await time("target, whole channel (again, warm)", () => previewChange(db, change));
await time("target, one group", () => previewChange(db, { ...change, groupId: "canary" }));
await time("target, whole channel, capped at 20k (sample)", () => previewChange(db, change, { maxHosts: 20_000 }));
await time("pin edge-berlin", () => previewChange(db, { kind: "pin", scope: "group", targetId: "edge-berlin", version: "3975.2.2", allowDowngrade: false }));
await database.close();
if (url && dbName) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
