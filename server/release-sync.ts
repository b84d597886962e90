import { randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { applySyncRun, claimSyncSources, recordSyncFailure, unmirroredReleases, type SyncFindings, type SyncSourceRow } from "@/db/queries/sync";
import { logger } from "@/lib/log";
import { SyncError, syncErrorText } from "@/lib/sync/errors";
import { fcosGraphUrl, fcosReleases, parseGraph, parseStreamMetadata } from "@/lib/sync/fcos";
import { flatcarCheckRequest, flatcarRelease, parseFlatcarUpdate } from "@/lib/sync/flatcar";
import type { SyncAdded } from "@/lib/sync/types";
import { mirrorRelease, type MirrorConfig } from "./payload-mirror";

export interface SyncConfig {
  retryBaseSeconds: number;
  timeoutMs: number;
  /** Where and how to mirror payloads; null = mirroring is not configured (no base URL). */
  mirror: MirrorConfig | null;
}

/** Upstream documents are small; anything bigger is not what we asked for. */
const MAX_DOCUMENT = 8 * 1024 * 1024;

async function fetchText(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { ...init, redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
  const len = Number(res.headers.get("content-length") ?? 0);
  if (len > MAX_DOCUMENT) throw new SyncError("garbage", `upstream ${url} answered ${len} bytes; metadata is never that large`);
  const text = await res.text();
  if (text.length > MAX_DOCUMENT) throw new SyncError("garbage", `upstream ${url} answered more than ${MAX_DOCUMENT} bytes`);
  return { status: res.status, text };
}

function upstreamStatus(url: string, status: number): SyncError {
  return new SyncError("upstream", `${url} answered HTTP ${status}`);
}

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const { status, text } = await fetchText(url, { headers: { accept: "application/json" } }, timeoutMs);
  if (status !== 200) throw upstreamStatus(url, status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SyncError("garbage", `${url} did not answer JSON`);
  }
}

/** Stable per source, so upstream sees one steady "host" per channel and arch. */
function syncMachineId(source: SyncSourceRow): string {
  return Buffer.from(`flotilla-sync:${source.id}`).toString("hex").padEnd(32, "0").slice(0, 32);
}

/** Asks upstream what a new host would get, as that host would. Pure I/O: nothing is written. */
export async function findUpstream(source: SyncSourceRow, cfg: Pick<SyncConfig, "timeoutMs">): Promise<SyncFindings & { note: string }> {
  if (source.kind === "flatcar") {
    const body = flatcarCheckRequest({ track: source.upstreamChannel, arch: source.arch, machineId: syncMachineId(source), bootId: randomUuid() });
    const { status, text } = await fetchText(source.upstreamUrl, { method: "POST", headers: { "content-type": "text/xml", accept: "text/xml" }, body }, cfg.timeoutMs);
    if (status !== 200) throw upstreamStatus(source.upstreamUrl, status);
    const update = parseFlatcarUpdate(text);
    if (update.kind === "noupdate") return { releases: [], note: "upstream offered no update" };
    return { releases: [flatcarRelease(update, source.channelId, source.arch, source.id)], note: `upstream offers ${update.version}` };
  }
  if (!source.graphUrl) throw new SyncError("config", "a Fedora CoreOS source needs the update graph URL (checksums, barriers, dead ends)");
  const stream = parseStreamMetadata(await fetchJson(source.upstreamUrl, cfg.timeoutMs), source.upstreamChannel, source.arch);
  const graph = parseGraph(await fetchJson(fcosGraphUrl(source.graphUrl, source.upstreamChannel, source.arch, false), cfg.timeoutMs), "checksum");
  // The OCI scope is newer than the OSTree one; an upstream without it still syncs checksums.
  let ociGraph = null;
  try {
    ociGraph = parseGraph(await fetchJson(fcosGraphUrl(source.graphUrl, source.upstreamChannel, source.arch, true), cfg.timeoutMs), "oci");
  } catch (err) {
    if (!(err instanceof SyncError && err.kind === "upstream")) throw err;
  }
  if (!graph.some((n) => n.version === stream.current)) throw new SyncError("garbage", `stream ${source.upstreamChannel} ships ${stream.current}, which the update graph does not list yet`);
  const found = fcosReleases({ stream, graph, ociGraph, channelId: source.channelId, arch: source.arch, source: source.id });
  return { ...found, note: `stream ships ${stream.current}` };
}

function randomUuid(): string {
  const h = randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface SyncRunResult {
  sourceId: string;
  ok: boolean;
  added: SyncAdded[];
  error: string | null;
}

/**
 * One run of a claimed source: ask upstream, apply what it found in one transaction, then
 * mirror payloads not yet mirrored when the source asks for it. A failure is recorded with
 * its reason and the source backs off.
 */
export async function runSyncSource(db: Db, source: SyncSourceRow, cfg: SyncConfig): Promise<SyncRunResult> {
  const startedAt = new Date();
  try {
    const found = await findUpstream(source, cfg);
    const added = await applySyncRun(db, source, found, { startedAt, retryBaseSeconds: cfg.retryBaseSeconds });
    if (source.mirror) {
      if (!cfg.mirror) throw new SyncError("config", "mirroring needs FLOTILLA_MIRROR_BASE_URL or FLOTILLA_PUBLIC_URL (the URL hosts download from)");
      for (const rel of await unmirroredReleases(db, source)) {
        await mirrorRelease(db, rel, cfg.mirror, `sync:${source.id}`);
        added.push({ version: rel.version, arch: rel.arch, action: "mirrored" });
      }
    }
    return { sourceId: source.id, ok: true, added, error: null };
  } catch (err) {
    const error = syncErrorText(err);
    if (!(err instanceof SyncError)) logger().warn({ err, source: source.id }, "release sync run failed");
    await recordSyncFailure(db, source, error, { startedAt, retryBaseSeconds: cfg.retryBaseSeconds });
    return { sourceId: source.id, ok: false, added: [], error };
  }
}

/** Claims and runs every due source once (what each tick does); returns what each run did. */
export async function runDueSyncSources(db: Db, cfg: SyncConfig, opts: { id?: string; force?: boolean } = {}): Promise<SyncRunResult[]> {
  // The lease outlives the slowest run: a payload download may take the longest.
  const claimed = await claimSyncSources(db, { leaseMs: cfg.timeoutMs * 120, id: opts.id, force: opts.force });
  const out: SyncRunResult[] = [];
  for (const s of claimed) out.push(await runSyncSource(db, s, cfg));
  return out;
}

/**
 * Looks for due sources every `tickMs` in this process. Every process may run it: claiming
 * under the sync advisory lock gives each source to one process at a time.
 */
export function startReleaseSync(db: Db, tickMs: number, cfg: SyncConfig, onChange: () => void): () => Promise<void> {
  if (tickMs <= 0) return () => Promise.resolve();
  const log = logger();
  let running: Promise<void> | null = null;
  let failing = false;
  const tick = () => {
    if (running) return;
    running = runDueSyncSources(db, cfg)
      .then((runs) => {
        failing = false;
        for (const r of runs) {
          if (r.ok && r.added.length) log.info({ source: r.sourceId, added: r.added }, "release sync imported");
          else if (!r.ok) log.warn({ source: r.sourceId, error: r.error }, "release sync failed; retrying with backoff");
        }
        if (runs.some((r) => r.added.length)) onChange();
      })
      .catch((err: unknown) => {
        if (!failing) log.warn({ err }, "release sync tick failed");
        failing = true;
      })
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, Math.min(tickMs, 1_000));
  const timer = setInterval(tick, tickMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
