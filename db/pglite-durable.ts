import fs from "node:fs";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";

/**
 * Out of the box PGlite never asks the disk to keep anything: its Postgres runs with fsync off
 * (`-F` in `PGlite.defaultStartParams`), `fdatasync()` is a no-op in its wasm runtime, and the
 * Emscripten NODEFS it mounts the data directory with has no `fsync` operation. A commit then
 * survives a process crash (the bytes are in the OS page cache) but not a power loss.
 *
 * Here Postgres runs with fsync on and `wal_sync_method=fsync` (plain `fsync()`, which reaches
 * the mounted filesystem; `fdatasync()` would not), and NODEFS gets the `fsync` it lacks: the
 * real `fsync(2)` on the file's descriptor. So a commit returns only after its WAL is on disk.
 * Measured on this machine: 107 to 239 single-row commits/s durable against 490 to 610/s
 * without; the report writer's group commit pays one fsync per batch, not per report.
 */
export const DURABLE_START_PARAMS = [...PGlite.defaultStartParams.filter((p) => p !== "-F"), "-c", "fsync=on", "-c", "wal_sync_method=fsync"];

/** Counts fsync(2) calls made for PGlite (tests prove commits wait for them). */
export const fsyncStats = { calls: 0, walCalls: 0 };

interface NodeStream {
  nfd: number;
  path?: string;
}
interface EmscriptenFsType {
  stream_ops: { fsync?: (stream: NodeStream) => number };
}

function fsyncStream(stream: NodeStream): number {
  fs.fsyncSync(stream.nfd);
  fsyncStats.calls++;
  if (stream.path?.includes("pg_wal")) fsyncStats.walCalls++;
  return 0;
}

class DurableNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS["init"]>): ReturnType<NodeFS["init"]> {
    const result = await super.init(...args);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [
      ...preRun,
      (mod) => {
        (mod.NODEFS as unknown as EmscriptenFsType).stream_ops.fsync = fsyncStream;
      },
    ];
    return result;
  }
}

/** fsyncs every file and directory under `dir` (after initdb wrote them without). */
function syncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(full);
    else if (entry.isFile()) syncPath(full);
  }
  syncPath(dir);
}

function syncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens PGlite on a data directory so that every commit is on disk before it returns. */
export async function createDurablePglite(dataDir: string, options: Omit<PGliteOptions, "fs" | "dataDir" | "startParams">): Promise<PGlite> {
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const client = await PGlite.create({ ...options, fs: new DurableNodeFS(dataDir), startParams: DURABLE_START_PARAMS });
  // PGlite creates a new cluster in memory and copies it in without syncing; Postgres then
  // assumes those files are on disk. Make them so once, before the first acknowledged write.
  if (fresh) syncTree(path.resolve(dataDir));
  return client;
}
