// Just enough of Go's net/url to agree with Ignition on which URLs parse, plus
// Ignition's scheme rules for resource sources (config/v3_N/types/url.go).

import { decodeDataUrl } from "./data-url";

export interface ParsedUrl {
  /** Lower-cased, as net/url returns it. */
  readonly scheme: string;
  readonly opaque: string;
  readonly rawQuery: string;
}

class UrlError extends Error {}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

type EscapeMode = "path" | "host" | "zone" | "userPassword" | "queryComponent" | "fragment";

function shouldEscapeInHost(c: string): boolean {
  if (/[a-zA-Z0-9]/.test(c)) return false;
  if ("!$&'()*+,;=:[]<>\"".includes(c)) return false;
  return !"-_.~".includes(c);
}

/** Port of net/url unescape's validation; returns the unescaped string. */
function unescape(s: string, mode: EscapeMode): string {
  let out = "";
  for (let i = 0; i < s.length; ) {
    const c = s[i] ?? "";
    if (c === "%") {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new UrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      const triple = s.slice(i, i + 3);
      if (mode === "host" && v >> 4 < 8 && triple !== "%25") throw new UrlError(`invalid URL escape ${JSON.stringify(triple)}`);
      if (mode === "zone" && triple !== "%25" && v !== 0x20 && v < 0x80 && shouldEscapeInHost(String.fromCharCode(v))) {
        throw new UrlError(`invalid URL escape ${JSON.stringify(triple)}`);
      }
      out += String.fromCharCode(v);
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && shouldEscapeInHost(c)) {
      throw new UrlError(`invalid character ${JSON.stringify(c)} in host name`);
    }
    out += mode === "queryComponent" && c === "+" ? " " : c;
    i++;
  }
  return out;
}

function getScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: "", rest: raw };
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: "", rest: raw };
  }
  return { scheme: "", rest: raw };
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): void {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) {
      unescape(host.slice(0, zone), "host");
      unescape(host.slice(zone, i), "zone");
      unescape(host.slice(i), "host");
      return;
    }
  } else {
    const i = host.lastIndexOf(":");
    if (i !== -1 && !validOptionalPort(host.slice(i))) throw new UrlError(`invalid port ${JSON.stringify(host.slice(i))} after host`);
  }
  unescape(host, "host");
}

function parseAuthority(authority: string): void {
  const i = authority.lastIndexOf("@");
  parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return;
  const userinfo = authority.slice(0, i);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  if (colon < 0) unescape(userinfo, "userPassword");
  else {
    unescape(userinfo.slice(0, colon), "userPassword");
    unescape(userinfo.slice(colon + 1), "userPassword");
  }
}

/** net/url.Parse; throws on the inputs Go rejects. */
export function parseUrl(raw: string): ParsedUrl {
  const hash = raw.indexOf("#");
  const u = hash < 0 ? raw : raw.slice(0, hash);
  if (/[\x00-\x1f\x7f]/.test(u)) throw new UrlError("net/url: invalid control character in URL");
  if (u === "*") return { scheme: "", opaque: "", rawQuery: "" };
  const got = getScheme(u);
  const scheme = got.scheme.toLowerCase();
  let rest = got.rest;
  let rawQuery = "";
  if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  let opaque = "";
  if (!rest.startsWith("/")) {
    if (scheme !== "") {
      opaque = rest;
      rest = "";
    } else {
      const segment = rest.split("/")[0] ?? "";
      if (segment.includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
    }
  }
  if (opaque === "" && rest.startsWith("//") && (scheme !== "" || !rest.startsWith("///"))) {
    let authority = rest.slice(2);
    const slash = authority.indexOf("/");
    rest = slash >= 0 ? authority.slice(slash) : "";
    if (slash >= 0) authority = authority.slice(0, slash);
    parseAuthority(authority);
  }
  if (opaque === "") unescape(rest, "path");
  if (hash >= 0) {
    const frag = raw.slice(hash + 1);
    if (frag !== "") unescape(frag, "fragment");
  }
  return { scheme, opaque, rawQuery };
}

export function tryParseUrl(raw: string): ParsedUrl | undefined {
  try {
    return parseUrl(raw);
  } catch (e) {
    if (e instanceof UrlError) return undefined;
    throw e;
  }
}

/** url.Values from a raw query, skipping malformed pairs as url.Query() does. */
export function queryValues(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    try {
      const key = unescape(eq < 0 ? pair : pair.slice(0, eq), "queryComponent");
      const value = unescape(eq < 0 ? "" : pair.slice(eq + 1), "queryComponent");
      values.set(key, [...(values.get(key) ?? []), value]);
    } catch (e) {
      if (!(e instanceof UrlError)) throw e;
    }
  }
  return values;
}

export const ERR_INVALID_URL = "unable to parse url";
export const ERR_INVALID_SCHEME = "invalid url scheme";
const ERR_S3_VERSION = "invalid S3 object VersionId";
const ERR_S3_ARN = "invalid S3 ARN format";

export interface UrlRules {
  /** gs:// is accepted from spec 3.2. */
  readonly gs: boolean;
  /** arn: (S3 ARNs) is accepted from spec 3.4. */
  readonly arn: boolean;
}

function checkVersionId(u: ParsedUrl): string | undefined {
  const v = queryValues(u.rawQuery).get("versionId");
  if (v !== undefined && (v.length === 0 || v[0] === "")) return ERR_S3_VERSION;
  return undefined;
}

function validateArn(u: ParsedUrl): string | undefined {
  const full = `${u.scheme}:${u.opaque}`;
  if (!full.startsWith("arn:") || full.split(":").length - 1 < 5) return ERR_S3_ARN;
  const sections = full.split(":");
  const [prefix, partition, service] = sections;
  const resource = sections.slice(5).join(":");
  if (prefix !== "arn") return "arn: invalid prefix";
  if (partition === "") return "arn: invalid partition";
  if (service === "") return "arn: invalid service";
  if (resource === "") return "arn: invalid resource";
  if (service !== "s3") return ERR_S3_ARN;
  const parts = full.split("/").length;
  if (resource.startsWith("accesspoint/") ? parts < 3 : parts < 2) return ERR_S3_ARN;
  return checkVersionId(u);
}

/** Ignition's validateURL: the error message, or undefined when the URL is acceptable. */
export function validateUrl(s: string, rules: UrlRules): string | undefined {
  const u = tryParseUrl(s);
  if (u === undefined) return ERR_INVALID_URL;
  switch (u.scheme) {
    case "http":
    case "https":
    case "tftp":
      return undefined;
    case "gs":
      return rules.gs ? undefined : ERR_INVALID_SCHEME;
    case "s3":
      return checkVersionId(u);
    case "arn":
      return rules.arn ? validateArn(u) : ERR_INVALID_SCHEME;
    case "data":
      return decodeDataUrl(s).error;
    default:
      return ERR_INVALID_SCHEME;
  }
}

export function validateUrlNilOk(s: string | undefined, rules: UrlRules): string | undefined {
  return s === undefined || s === "" ? undefined : validateUrl(s, rules);
}
