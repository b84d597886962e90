import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { getDb, type Db } from "@/db/client";
import type { Actor } from "@/db/queries/audit";
import type { Principal } from "@/db/queries/sessions";
import { isCrossSite } from "@/lib/auth/csrf";
import { can, type Permission } from "@/lib/auth/permissions";
import { env } from "@/lib/config/env";
import { AppError, errorBody, validationError } from "@/lib/errors";
import { isUnavailableError } from "@/lib/db-errors";
import { logger } from "@/lib/log";
import { actorOf, resolvePrincipal, SESSION_COOKIE } from "./auth";

const MAX_JSON_BODY = 1024 * 1024;

export interface RouteContext<P> {
  req: NextRequest;
  db: Db;
  principal: Principal;
  actor: Actor;
  params: P;
  clientAddr: string | null;
  /** Parses the JSON body with a zod schema; a 400 names each bad field. */
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
  query<S extends z.ZodType>(schema: S, input?: unknown): z.output<S>;
}

interface Options {
  /** What the caller must be allowed to do. */
  permission: Permission;
}

type Params = Record<string, string>;

export function clientAddrOf(req: NextRequest): string | null {
  return req.headers.get("x-flotilla-client-addr");
}

export function toResponse(err: unknown): NextResponse {
  if (isUnavailableError(err)) err = new AppError("unavailable", "database unavailable, retry shortly");
  if (!(err instanceof AppError)) logger().error({ err }, "operator request failed");
  const { status, body } = errorBody(err);
  return NextResponse.json(body, { status, headers: status === 503 ? { "retry-after": "5" } : {} });
}

/** Cross-site writes carried by a cookie are refused; bearer-token callers are not browsers. */
export function assertSameSite(req: NextRequest): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  if (req.headers.get("authorization")) return;
  const crossSite = isCrossSite(
    { origin: req.headers.get("origin"), secFetchSite: req.headers.get("sec-fetch-site"), host: req.headers.get("host") },
    env().FLOTILLA_PUBLIC_URL,
  );
  if (crossSite) throw new AppError("forbidden", "cross-site request refused");
}

export async function readJson(req: NextRequest): Promise<unknown> {
  const text = await req.text();
  if (text.length > MAX_JSON_BODY) throw new AppError("payload_too_large", "body larger than 1 MiB");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
}

/**
 * The one wrapper every operator route goes through: authenticate, authorize, then run the
 * handler; errors map to JSON through one function. Plain objects become JSON responses.
 */
export function route<P extends Params = Params>(opts: Options, handler: (ctx: RouteContext<P>) => Promise<unknown>) {
  return async (req: NextRequest, segment: { params: Promise<P> }): Promise<Response> => {
    try {
      assertSameSite(req);
      const principal = await resolvePrincipal(req.headers.get("authorization"), req.cookies.get(SESSION_COOKIE)?.value);
      if (!principal) throw new AppError("unauthorized", "sign in or send an API token");
      if (!can(principal.role, opts.permission)) {
        throw new AppError("forbidden", `role ${principal.role} may not do this (needs ${opts.permission})`);
      }
      const clientAddr = clientAddrOf(req);
      const result = await handler({
        req,
        db: await getDb(),
        principal,
        actor: actorOf(principal, clientAddr),
        params: await segment.params,
        clientAddr,
        async body(schema) {
          const parsed = schema.safeParse(await readJson(req));
          if (!parsed.success) throw validationError(parsed.error);
          return parsed.data;
        },
        query(schema, input) {
          const parsed = schema.safeParse(input ?? Object.fromEntries(req.nextUrl.searchParams));
          if (!parsed.success) throw validationError(parsed.error, "query");
          return parsed.data;
        },
      });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? { ok: true }, { headers: { "cache-control": "no-store" } });
    } catch (err) {
      return toResponse(err);
    }
  };
}
