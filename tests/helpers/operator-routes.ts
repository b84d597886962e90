import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pathToFileURL } from "node:url";
import { NextRequest } from "next/server";

type RouteHandler = (req: NextRequest, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface RouteFile {
  /** Path segments: literal, a dynamic `[name]` segment, or a catch-all `[...name]` (last). */
  segments: Array<{ literal: string } | { param: string } | { rest: string }>;
  file: string;
}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

function scan(dir: string, prefix: RouteFile["segments"]): RouteFile[] {
  const out: RouteFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith("_")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const rest = /^\[\.\.\.(.+)\]$/.exec(entry.name);
      const m = /^\[(.+)\]$/.exec(entry.name);
      out.push(...scan(full, [...prefix, rest ? { rest: rest[1]! } : m ? { param: m[1]! } : { literal: entry.name }]));
    } else if (entry.name === "route.ts") {
      out.push({ segments: prefix, file: full });
    }
  }
  return out;
}

function match(route: RouteFile, parts: string[]): Record<string, string> | null {
  const last = route.segments[route.segments.length - 1];
  const catchAll = last !== undefined && "rest" in last;
  if (catchAll ? parts.length < route.segments.length : route.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if ("rest" in seg) {
      params[seg.rest] = parts.slice(i).join("/");
    } else if ("literal" in seg) {
      if (seg.literal !== parts[i]) return null;
    } else {
      params[seg.param] = parts[i]!;
    }
  }
  return params;
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { code, message } }));
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Serves `app/api/v1/**\/route.ts` the way Next's App Router does (static segments before
 * dynamic ones, params as a promise, a NextRequest in, a Response out) so integration tests
 * can exercise the real operator route handlers without a production build. Pages and
 * next.config headers are Next's business and are covered by the Playwright suite.
 */
export function operatorRouteHandler(root = process.cwd()): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // Static segments win over dynamic ones at the same depth, and both over a catch-all, as in Next.
  const rank = (seg: RouteFile["segments"][number]) => ("rest" in seg ? 2 : "param" in seg ? 1 : 0);
  const routes = scan(path.join(root, "app", "api", "v1"), [{ literal: "api" }, { literal: "v1" }]).sort((a, b) => {
    for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
      const da = rank(a.segments[i]!);
      const db = rank(b.segments[i]!);
      if (da !== db) return da - db;
    }
    return 0;
  });
  const modules = new Map<string, Promise<Record<string, unknown>>>();

  return async (req, res) => {
    // The Host header stays in the headers (the cross-site check reads it); the URL base is fixed
    // so a hostile Host cannot break URL parsing here.
    const url = new URL(req.url ?? "/", "http://localhost");
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
    } catch {
      return sendError(res, 400, "bad_request", "malformed path");
    }
    let found: { route: RouteFile; params: Record<string, string> } | undefined;
    for (const route of routes) {
      const params = match(route, parts);
      if (params) {
        found = { route, params };
        break;
      }
    }
    if (!found) return sendError(res, 404, "not_found", "not found");
    let mod = modules.get(found.route.file);
    if (!mod) {
      mod = import(pathToFileURL(found.route.file).href) as Promise<Record<string, unknown>>;
      modules.set(found.route.file, mod);
    }
    const method = (req.method ?? "GET").toUpperCase();
    const exported = (await mod)[method === "HEAD" ? "GET" : method];
    if (!METHODS.includes(method as (typeof METHODS)[number]) || typeof exported !== "function") {
      return sendError(res, 405, "method_not_allowed", `${method} not allowed`);
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
    }
    const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await readAll(req));
    const request = new NextRequest(url, { method, headers, body });
    const response = await (exported as RouteHandler)(request, { params: Promise.resolve(found.params) });
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      if (key !== "set-cookie") out[key] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) out["set-cookie"] = cookies;
    res.writeHead(response.status, out);
    if (!response.body || method === "HEAD") {
      res.end();
      return;
    }
    // A body stream that fails after the headers went out can only end the connection (as Next does).
    await new Promise<void>((resolve) => {
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
        .on("error", (err) => {
          res.destroy(err);
          resolve();
        })
        .pipe(res)
        .on("finish", resolve)
        .on("close", resolve);
    });
  };
}
