import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { getDb, type Db } from "@/db/client";
import type { Actor } from "@/db/queries/audit";
import type { Principal } from "@/db/queries/sessions";
import { isCrossSite } from "@/lib/auth/csrf";
import { can, type Permission } from "@/lib/auth/permissions";
import { env } from "@/lib/config/env";
import { AppError, errorBody, validationError } from "@/lib/errors";
import { dataErrorKind, isUnavailableError } from "@/lib/db-errors";
import { unstorableText } from "@/lib/storable-text";
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
  // A value the database refuses (out of range, not storable) or a lost race for a unique key
  // is about the request, not the server: logged, but answered 400 / 409.
  const dataError = err instanceof AppError ? null : dataErrorKind(err);
  if (dataError) {
    logger().warn({ err }, "operator request refused by the database");
    err = dataError === "invalid" ? new AppError("bad_request", "a value in the request is out of range or cannot be stored") : new AppError("conflict", "conflicts with a concurrent change; reload and try again");
  }
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
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
  const bad = unstorableText(json);
  if (bad) throw new AppError("bad_request", `invalid request: ${bad.path}: ${bad.message}`, [bad]);
  return json;
}

/** Path parameters and the query string must be text Postgres can hold (no NUL, no lone surrogates). */
function assertStorableInput(req: NextRequest, params: Params): void {
  const bad = unstorableText(params, "path") ?? unstorableText([...req.nextUrl.searchParams], "query");
  if (bad) throw new AppError("bad_request", `invalid request: ${bad.path}: ${bad.message}`, [bad]);
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
      const params = await segment.params;
      assertStorableInput(req, params);
      const clientAddr = clientAddrOf(req);
      const result = await handler({
        req,
        db: await getDb(),
        principal,
        actor: actorOf(principal, clientAddr),
        params,
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
