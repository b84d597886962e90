import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { Db } from "@/db/client";
import type { Actor } from "@/db/queries/audit";
import type { ReleaseRow } from "@/db/queries/releases";
import { mirrorOf, recordMirror } from "@/db/queries/sync";
import { AppError } from "@/lib/errors";
import { SyncError } from "@/lib/sync/errors";
import { mirrorCodebase, mirrorFilePath } from "@/lib/sync/mirror-paths";

export interface MirrorConfig {
  /** Directory mirrored payloads live under. */
  dir: string;
  /** The URL hosts reach Flotilla at; mirrored codebases are `<base>/v1/payloads/…/`. */
  baseUrl: string;
  /** Per download. */
  timeoutMs: number;
}

interface Expected {
  name: string;
  url: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
}

/**
 * Downloads one file to a temporary name beside its final place, hashing as it streams, and
 * keeps it only when size, SHA-1 and SHA-256 all match what the catalog says: a host is never
 * handed a file Flotilla did not verify. A file already in place was verified when it was kept.
 */
async function fetchVerified(e: Expected, dest: string, timeoutMs: number): Promise<void> {
  const have = await stat(dest).catch(() => null);
  if (have?.isFile() && have.size === e.sizeBytes) return;
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  try {
    let res: Response;
    try {
      res = await fetch(e.url, { redirect: "follow", signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new SyncError("unreachable", `${e.url}: ${err instanceof Error ? err.message : "download failed"}`);
    }
    if (res.status !== 200 || !res.body) throw new SyncError("upstream", `${e.url} answered HTTP ${res.status}`);
    const sha1 = createHash("sha1");
    const sha256 = createHash("sha256");
    let bytes = 0;
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      // Stop a download that is already larger than the file can be.
      if (bytes > e.sizeBytes) body.destroy(new SyncError("hash_mismatch", `${e.name}: more than the ${e.sizeBytes} bytes the release lists`));
      sha1.update(chunk);
      sha256.update(chunk);
    });
    await pipeline(body, createWriteStream(tmp));
    const got = { size: bytes, sha1: sha1.digest("base64"), sha256: sha256.digest("base64") };
    if (got.size !== e.sizeBytes) throw new SyncError("hash_mismatch", `${e.name}: ${got.size} bytes, the release lists ${e.sizeBytes}`);
    if (got.sha1 !== e.sha1Base64) throw new SyncError("hash_mismatch", `${e.name}: SHA-1 ${got.sha1} does not match the release's ${e.sha1Base64}`);
    if (got.sha256 !== e.sha256Base64) throw new SyncError("hash_mismatch", `${e.name}: SHA-256 ${got.sha256} does not match the release's ${e.sha256Base64}`);
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Mirrors a Flatcar release: its payload and every extension package, each verified against
 * all its hashes, then (one audited transaction) the release points hosts at Flotilla.
 */
export async function mirrorRelease(db: Db, rel: ReleaseRow, cfg: MirrorConfig, actor: Actor | string): Promise<ReleaseRow> {
  if (rel.osFamily !== "flatcar") throw new AppError("bad_request", "only Flatcar payloads are mirrored");
  if (await mirrorOf(db, rel.id)) return rel;
  if (!rel.payloadUrl || !rel.payloadName || !rel.sizeBytes || !rel.sha1Base64 || !rel.sha256Base64) throw new AppError("bad_request", `${rel.version} has no complete payload to mirror`);
  const base = rel.payloadUrl.endsWith("/") ? rel.payloadUrl : `${rel.payloadUrl}/`;
  const files: Expected[] = [
    { name: rel.payloadName, url: `${base}${encodeURIComponent(rel.payloadName)}`, sizeBytes: rel.sizeBytes, sha1Base64: rel.sha1Base64, sha256Base64: rel.sha256Base64 },
    ...rel.extensionPayloads.map((e) => ({ name: e.name, url: e.url || `${base}${encodeURIComponent(e.name)}`, sizeBytes: e.sizeBytes, sha1Base64: e.sha1Base64, sha256Base64: e.sha256Base64 })),
  ];
  let bytes = 0;
  for (const f of files) {
    await fetchVerified(f, mirrorFilePath(cfg.dir, rel.arch, rel.version, f.name), cfg.timeoutMs);
    bytes += f.sizeBytes;
  }
  const who: Actor = typeof actor === "string" ? { userId: null, email: actor, role: "system", via: "system", clientAddr: null } : actor;
  return recordMirror(db, who, rel.id, { codebase: mirrorCodebase(cfg.baseUrl, rel.arch, rel.version), bytes });
}
