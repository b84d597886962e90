import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { logger } from "@/lib/log";
import { parseRange, payloadFileOf } from "@/lib/sync/mirror-paths";

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...extra });
  res.end(text);
}

/**
 * Serves mirrored payloads to hosts: GET/HEAD, single byte ranges (update_engine resumes an
 * interrupted download with `Range`), and caching headers. A file's URL names its version and
 * its bytes were verified before it was kept, so it never changes: cacheable for a year.
 */
export async function servePayload(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string): Promise<void> {
  req.resume();
  if (req.method !== "GET" && req.method !== "HEAD") return plain(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
  const file = payloadFileOf(dir, pathname);
  const st = file ? await stat(file).catch(() => null) : null;
  if (!file || !st?.isFile()) return plain(res, 404, "no such payload\n");
  const size = st.size;
  const etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const common = {
    "accept-ranges": "bytes",
    etag,
    "last-modified": st.mtime.toUTCString(),
    "cache-control": "public, max-age=31536000, immutable",
  };
  const inm = req.headers["if-none-match"];
  if (inm && inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  // If-Range with another validator: the file changed, so send all of it.
  const ifRange = req.headers["if-range"];
  const range = ifRange && ifRange !== etag && ifRange !== common["last-modified"] ? null : parseRange(req.headers.range, size);
  if (range === "unsatisfiable") return plain(res, 416, "range not satisfiable\n", { "content-range": `bytes */${size}`, "accept-ranges": "bytes" });
  const span = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : span.end - span.start + 1;
  res.writeHead(range ? 206 : 200, {
    ...common,
    "content-type": "application/octet-stream",
    "content-length": length,
    ...(range ? { "content-range": `bytes ${span.start}-${span.end}/${size}` } : {}),
  });
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(file, { start: span.start, end: span.end }), res);
  } catch (err) {
    // A host that hangs up mid-download resumes later with a Range request.
    if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") logger().warn({ err }, "payload download failed");
  }
}
