import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, errorBody } from "@/lib/errors";

export const MAX_AGENT_BODY = 64 * 1024;

/** Reads a request body, refusing (413) past `limit` bytes without buffering the excess. */
export function readBody(req: IncomingMessage, limit = MAX_AGENT_BODY): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new AppError("payload_too_large", `body larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new AppError("payload_too_large", `body larger than ${limit} bytes`));
        // Keep reading (and discarding) so the client gets the 413 instead of a reset.
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on("error", (err) => {
      if (!failed) reject(err);
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { status, body } = errorBody(err);
  sendJson(res, status, body, status === 503 ? { "retry-after": "5" } : {});
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const fwd = req.headers["x-forwarded-for"];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? null;
}

/**
 * Paths Next cannot route sanely: percent-encoding that does not decode to UTF-8 (Next answers
 * a bare 500) and dot segments (Next resolves them to another route's HTML 404). Browsers never
 * send either; refusing them here keeps every refusal a JSON 4xx.
 */
export function malformedPath(pathname: string): string | null {
  for (const segment of pathname.split("/")) {
    if (!segment.includes("%") && segment !== "." && segment !== "..") continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "malformed percent-encoding in the path";
    }
    if (decoded === "." || decoded === "..") return "dot segments are not allowed in the path";
  }
  return null;
}
