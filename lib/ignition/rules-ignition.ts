// Rules for the ignition section and for remote resources (file contents,
// merged configs, CAs, LUKS key files), following config/v3_N/types.

import type { PathSegment } from "./decode";
import type { RuleContext } from "./rule-context";
import type { Ignition, Resource } from "./types";
import { ERR_INVALID_URL, tryParseUrl, validateUrl, validateUrlNilOk } from "./url";

export const ERR_SOURCE_REQUIRED = "source is required";

function validateHash(hash: string | undefined, ctx: RuleContext): string | undefined {
  if (hash === undefined) return undefined;
  const dash = hash.indexOf("-");
  if (dash < 0) return "malformed hash specifier";
  const fn = hash.slice(0, dash);
  const sum = hash.slice(dash + 1);
  const sizes: Record<string, number> = ctx.features.v31 ? { sha512: 128, sha256: 64 } : { sha512: 128 };
  const want = sizes[fn];
  if (want === undefined) return "unrecognized hash function";
  // Ignition only checks the length, not that the sum is hex.
  return sum.length === want ? undefined : "incorrect size for hash sum";
}

function validateHeaderScheme(res: Resource): string | undefined {
  if ((res.httpHeaders ?? []).length === 0) return undefined;
  if (res.source === undefined || res.source === "") return ERR_INVALID_URL;
  const u = tryParseUrl(res.source);
  if (u === undefined) return ERR_INVALID_URL;
  return u.scheme === "http" || u.scheme === "https" ? undefined : "cannot use HTTP headers with this source scheme";
}

export type ResourceKind = "file" | "config" | "ca" | "keyFile";

/** Resource.Validate (3.1+) or the matching 3.0 struct's Validate. */
export function validateResource(res: Resource, path: readonly PathSegment[], kind: ResourceKind, ctx: RuleContext): void {
  const { report, features } = ctx;
  const at = (...rest: PathSegment[]): PathSegment[] => [...path, ...rest];
  const legacyConfigRef = !features.v31 && kind === "config";
  const legacyCaRef = !features.v31 && kind === "ca";

  if (!legacyConfigRef && !legacyCaRef && res.compression !== undefined && res.compression !== "" && res.compression !== "gzip") {
    report.error(at("compression"), "invalid compression method");
  }
  if (!legacyConfigRef && !legacyCaRef && res.verification.hash !== undefined && res.source === undefined) {
    report.error(at("verification", "hash"), "source must be specified if verification is specified");
  }
  if (legacyCaRef) report.error(at("source"), validateUrl(res.source ?? "", features.url));
  else report.error(at("source"), validateUrlNilOk(res.source, features.url));
  if (features.v31) {
    report.error(at("httpHeaders"), validateHeaderScheme(res));
    (res.httpHeaders ?? []).forEach((h, i) => {
      if (h.name === "") report.error(at("httpHeaders", i, "name"), "HTTP header name can't be empty");
      if (h.value === "") report.error(at("httpHeaders", i, "value"), "unable to parse HTTP header");
    });
  }
  report.error(at("verification", "hash"), validateHash(res.verification.hash, ctx));
}

/** validateRequiredSource, used where a resource must point somewhere (3.1+). */
export function requiredSource(res: Resource, ctx: RuleContext): string | undefined {
  if (res.source === undefined || res.source === "") return ERR_SOURCE_REQUIRED;
  return validateUrl(res.source, ctx.features.url);
}

function validateProxyUrl(value: string | undefined, path: PathSegment[], httpOk: boolean, ctx: RuleContext): void {
  if (value === undefined) return;
  const u = tryParseUrl(value);
  if (u === undefined) return ctx.report.error(path, ERR_INVALID_URL);
  if (u.scheme !== "http" && u.scheme !== "https") return ctx.report.error(path, "proxies must be http(s)");
  if (u.scheme === "http" && !httpOk) ctx.report.warn(path, "insecure plaintext HTTP proxy specified for HTTPS resources");
}

export function validateIgnitionSection(ign: Ignition, ctx: RuleContext): void {
  const base: PathSegment[] = ["ignition"];
  ign.config.merge.forEach((res, i) => {
    const path = [...base, "config", "merge", i];
    if (ctx.features.v31) ctx.report.error(path, requiredSource(res, ctx));
    validateResource(res, path, "config", ctx);
  });
  validateResource(ign.config.replace, [...base, "config", "replace"], "config", ctx);

  ign.security.tls.certificateAuthorities.forEach((res, i) => {
    const path = [...base, "security", "tls", "certificateAuthorities", i];
    if (ctx.features.v31) ctx.report.error(path, requiredSource(res, ctx));
    validateResource(res, path, "ca", ctx);
  });

  if (ign.proxy !== undefined) {
    validateProxyUrl(ign.proxy.httpProxy, [...base, "proxy", "httpProxy"], true, ctx);
    validateProxyUrl(ign.proxy.httpsProxy, [...base, "proxy", "httpsProxy"], false, ctx);
  }
}
