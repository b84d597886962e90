import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { AppError, errorBody } from "@/lib/errors";

export const MAX_AGENT_BODY = 64 * 1024;
/**
 * What a request handed to Next may carry. The operator API refuses JSON past 1 Mi characters
 * (app/api/v1/_lib/handler.ts), which UTF-8 and JSON escaping can make up to about twice as many
 * bytes; anything larger is refused here, before Next buffers it.
 */
export const MAX_OPERATOR_BODY = 2 * 1024 * 1024;
/** After a 413, how long the connection stays open (not read) so the client sees the answer. */
const LINGER_MS = 1_000;

/**
 * Holds every request body to `limit` bytes as it streams, whoever reads it (our handlers or
 * Next): a declared Content-Length over the limit is refused before a byte is read, and a
 * chunked body is counted as the parser delivers it. A refused body is never buffered: the
 * socket stops being read, the 413 goes out with `connection: close`, and the socket is closed
 * after a short linger (so the client can read the answer instead of a reset).
 * Returns true when the request was refused up front (the caller must not handle it).
 */
export function limitBody(req: IncomingMessage, res: ServerResponse, limit: number): boolean {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    refuse(req, res, limit);
    return true;
  }
  if (req.headers["content-length"] === "0" || (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined)) return false;
  let size = 0;
  // The HTTP parser hands each body chunk to the request's push(); counting there sees every
  // byte before anything buffers it, without taking over the stream's flow from its reader.
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null || size > limit) return size > limit ? true : push(chunk, encoding);
    size += (chunk as Buffer).length;
    if (size > limit) {
      refuse(req, res, limit);
      return true;
    }
    return push(chunk, encoding);
  };
  return false;
}

function refuse(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const socket = req.socket;
  // Stop reading: the client's sends back up into its own buffers (TCP flow control), so
  // nothing more is buffered here, while it can still read the answer. Anything the parser
  // already holds is dropped.
  socket.pause();
  req.push = (chunk: unknown): boolean => {
    if (chunk !== null) socket.pause();
    return true;
  };
  // The handler reading this body may still try to answer; the answer is already given.
  res.on("error", () => {});
  // After a `connection: close` answer Node closes the socket as soon as it is written, with the
  // client still sending: the kernel then resets the connection and the client may lose the
  // 413 it had not read yet. Half-close instead (the server sockets allow it) and linger.
  (socket as Socket & { destroySoon?: () => void }).destroySoon = () => {
    socket.end();
    socket.pause();
  };
  if (!res.headersSent) {
    const { status, body } = errorBody(new AppError("payload_too_large", `body larger than ${limit} bytes`));
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      "cache-control": "no-store",
      connection: "close",
    });
    res.end(payload);
  }
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

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
