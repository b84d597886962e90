import { bounded, maxLength, overBound, type AgentField } from "../agent/field-bounds";
import { normalizeMachineId } from "../agent/machine-id";
import { GROUP_NAME, GROUP_NAME_RULE } from "../agent/native-report";

/** Flatcar's Omaha application id (update_engine sends it with or without braces). */
export const FLATCAR_APP_ID = "e96281a6-d1af-4bde-9a0a-97b76e56dc57";
export const MAX_OMAHA_BODY = 64 * 1024;

export interface OmahaEvent {
  type: number;
  result: number;
  previousVersion: string | null;
  errorCode: number | null;
}

export interface OmahaApp {
  /** The appid exactly as sent: it is echoed byte for byte (go-omaha matches its answer by it). */
  appId: string;
  /** Position among the request's apps: answers keep the request's order. */
  index: number;
  version: string;
  track: string;
  machineId: string;
  bootId: string | null;
  oem: string | null;
  oemVersion: string | null;
  alephVersion: string | null;
  machineAlias: string | null;
  board: string | null;
  /** amd64 or arm64, agreed by every source the request has; "unknown" otherwise. */
  arch: string;
  /** Why no architecture could be trusted (unknown or contradictory): nothing is offered. */
  archProblem: string | null;
  ping: boolean;
  updateCheck: boolean;
  events: OmahaEvent[];
}

export interface OmahaRequest {
  protocol: string;
  updaterVersion: string | null;
  installSource: string | null;
  osVersion: string | null;
  osPlatform: string | null;
  osSp: string | null;
  apps: OmahaApp[];
  /** Apps of other products in the same request: each is answered error-unknownApplication. */
  unknownApps: UnknownOmahaApp[];
}

export interface UnknownOmahaApp {
  appId: string;
  index: number;
}

/** A request Flotilla refuses; `reason` is safe to show the client. */
export class OmahaRequestError extends Error {
  constructor(
    readonly reason: string,
    readonly appId: string | null = null,
    readonly kind: "malformed" | "unknown_app" = "malformed",
  ) {
    super(reason);
  }
}

/** An element as the Omaha reader needs it: attributes and child elements (text is ignored). */
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** XML 1.0's Char production: no NUL or other C0 controls but tab/LF/CR, no surrogates, no U+FFFE/U+FFFF. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

// Raw characters XML forbids (lone surrogates cannot arrive raw: UTF-8 decoding replaces them).
const NON_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

function decodeAttr(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);|&/g, (m, ref: string | undefined) => {
    if (!ref) throw new OmahaRequestError("malformed XML: bare & in an attribute");
    if (ref.startsWith("#")) {
      const cp = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(cp)) throw new OmahaRequestError("malformed XML: bad character reference");
      return String.fromCodePoint(cp);
    }
    const v = PREDEFINED[ref];
    // Only XML's five predefined entities exist here: there is no DTD to declare others.
    if (v === undefined) throw new OmahaRequestError(`malformed XML: unknown entity &${ref};`);
    return v;
  });
}

const ATTR = /([\w.:-]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

function attrsOf(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) out[m[1]!] = decodeAttr(m[2] ?? m[3] ?? "");
  return out;
}

function attr(n: XmlElement, name: string): string | null {
  return n.attrs[name] ?? null;
}

function child(n: XmlElement, name: string): XmlElement | undefined {
  return n.children.find((c) => c.name === name);
}

const VERSION = new RegExp(`^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,${maxLength("version") - 1}}$`);


// The architectures Flatcar builds, under every name a client may use for them: the board
// (update_engine), uname -m in os@sp (update_engine), Omaha's os@arch (go-omaha: "x64" or GOARCH).
const ARCH_NAMES: Record<string, string> = {
  "amd64-usr": "amd64", amd64: "amd64", x86_64: "amd64", x64: "amd64",
  "arm64-usr": "arm64", arm64: "arm64", aarch64: "arm64",
};

export const UNKNOWN_ARCH = "unknown";

/**
 * The host's architecture from every source the request carries. A payload for the wrong
 * architecture bricks nothing but fails every install, so an unknown name, sources that
 * disagree, or no source at all leave the arch unknown (and the host is offered nothing).
 */
function archOf(board: string | null, sp: string | null, osArch: string | null): { arch: string; problem: string | null } {
  // os@sp is "<version>_<uname -m>" from update_engine; anything else there says nothing about arch.
  const spArch = sp ? (/^[^_]*_(.+)$/.exec(sp)?.[1] ?? null) : null;
  const sources = [
    ["board", board, board],
    ["os@sp", spArch, sp],
    ["os@arch", osArch, osArch],
  ].filter((x): x is [string, string, string] => !!x[1]);
  if (sources.length === 0) return { arch: UNKNOWN_ARCH, problem: "no architecture in the request (board, os@sp or os@arch)" };
  const unknown = sources.find(([, v]) => !ARCH_NAMES[v.toLowerCase()]);
  if (unknown) return { arch: UNKNOWN_ARCH, problem: `unknown architecture: ${unknown[0]} ${unknown[2]}` };
  const arches = new Set(sources.map(([, v]) => ARCH_NAMES[v.toLowerCase()]!));
  if (arches.size > 1) return { arch: UNKNOWN_ARCH, problem: `conflicting architectures: ${sources.map(([name, , raw]) => `${name} ${raw}`).join(", ")}` };
  return { arch: [...arches][0]!, problem: null };
}

function intAttr(n: XmlElement, name: string, where: string): number | null {
  const raw = attr(n, name);
  if (raw === null || raw === "") return null;
  if (!/^-?\d{1,12}$/.test(raw)) throw new OmahaRequestError(`${where}@${name} must be an integer`);
  return Number(raw);
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|</g;
const MAX_DEPTH = 16;

/**
 * Reads the element tree of a request, checking well-formedness as it goes: every tag complete
 * and closed in order, one root, no DTD, no CDATA, no entities but XML's five, bounded depth.
 * Omaha needs attributes only, so that is all this keeps; a purpose-built reader instead of a
 * general parser because parsing was the largest cost of a check-in.
 */
export function readXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m; m = TAG.exec(xml)) {
    if (m[0] === "<") throw new OmahaRequestError(`malformed XML: bad markup at offset ${m.index}`);
    const name = m[2];
    if (!name) continue; // processing instruction or comment
    if (m[1]) {
      if (stack.pop()?.name !== name) throw new OmahaRequestError(`malformed XML: unexpected </${name}> at offset ${m.index}`);
      continue;
    }
    const el: XmlElement = { name, attrs: attrsOf(m[3]), children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) throw new OmahaRequestError("malformed XML: a document needs exactly one root element");
    else root = el;
    if (!m[4]) {
      stack.push(el);
      if (stack.length > MAX_DEPTH) throw new OmahaRequestError("malformed XML: nested too deeply");
    }
  }
  if (stack.length) throw new OmahaRequestError(`malformed XML: <${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new OmahaRequestError("malformed XML: no root element");
  return root;
}

/** Parses an update_engine request. Throws OmahaRequestError with a reason on bad input. */
export function parseOmahaRequest(xml: string): OmahaRequest {
  if (xml.length > MAX_OMAHA_BODY) throw new OmahaRequestError(`body larger than ${MAX_OMAHA_BODY} bytes`);
  // DTDs are how entity-expansion and external-entity attacks get in: none are accepted.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new OmahaRequestError("DOCTYPE and ENTITY declarations are not allowed");
  // Not well-formed XML, and Postgres could not store a NUL anyway.
  if (NON_XML_CHAR.test(xml)) throw new OmahaRequestError("malformed XML: a character XML does not allow");
  const req = readXml(xml);
  if (req.name !== "request") throw new OmahaRequestError("root element must be <request>");
  const protocol = attr(req, "protocol");
  if (protocol !== "3.0") throw new OmahaRequestError('request@protocol must be "3.0"');
  const os = child(req, "os");
  const sp = os ? attr(os, "sp") : null;
  const osArch = os ? attr(os, "arch") || null : null;
  const appEls = req.children.filter((c) => c.name === "app");
  if (appEls.length === 0) throw new OmahaRequestError("request has no <app>");
  const apps: OmahaApp[] = [];
  const unknownApps: UnknownOmahaApp[] = [];
  appEls.forEach((el, i) => {
    const rawAppId = attr(el, "appid");
    if (!rawAppId) throw new OmahaRequestError(`app[${i}]@appid is required`);
    // Other products may share a request (go-omaha's server answers each app on its own).
    if (!isFlatcarAppId(rawAppId)) unknownApps.push({ appId: rawAppId, index: i });
    else apps.push(parseApp(el, i, sp, osArch, rawAppId));
  });
  return {
    protocol,
    // Bounded like every agent field (lib/agent/field-bounds.ts); descriptive ones are cut.
    updaterVersion: bounded("agentVersion", attr(req, "updaterversion") ?? attr(req, "version")),
    installSource: bounded("installSource", attr(req, "installsource")),
    osVersion: os ? attr(os, "version") : null,
    osPlatform: os ? attr(os, "platform") : null,
    osSp: sp,
    apps,
    unknownApps,
  };
}

/** Flatcar's app id with or without braces, in any case. */
export function isFlatcarAppId(raw: string): boolean {
  return raw.trim().replace(/^\{|\}$/g, "").toLowerCase() === FLATCAR_APP_ID;
}

function parseApp(app: XmlElement, i: number, sp: string | null, osArch: string | null, rawAppId: string): OmahaApp {
  const where = `app[${i}]`;
  const version = attr(app, "version");
  if (!version || !VERSION.test(version)) throw new OmahaRequestError(`${where}@version must be an OS version like 3374.2.5`, rawAppId);
  const rawMachine = attr(app, "machineid");
  const machineId = rawMachine ? normalizeMachineId(rawMachine) : null;
  if (!machineId) throw new OmahaRequestError(`${where}@machineid must be 32 hex digits`, rawAppId);
  const track = attr(app, "track") || "stable";
  if (track.length > maxLength("group") || !GROUP_NAME.test(track)) throw new OmahaRequestError(`${where}@track must be ${GROUP_NAME_RULE}`, rawAppId);
  const board = attr(app, "board") || null;
  // The board names the architecture, which picks the payload: cut, it would name another one.
  if (overBound("arch", board)) throw new OmahaRequestError(`${where}@board is longer than ${maxLength("arch")} characters`, rawAppId);
  const arch = archOf(board, sp || null, osArch);
  const events = app.children.filter((c) => c.name === "event").map((e, j) => {
    const w = `${where}.event[${j}]`;
    const type = intAttr(e, "eventtype", w);
    const result = intAttr(e, "eventresult", w);
    if (type === null || result === null) throw new OmahaRequestError(`${w} needs eventtype and eventresult`, rawAppId);
    const prev = attr(e, "previousversion");
    if (overBound("version", prev)) throw new OmahaRequestError(`${w}@previousversion is longer than ${maxLength("version")} characters`, rawAppId);
    return { type, result, previousVersion: prev && prev !== "0.0.0.0" ? prev : null, errorCode: intAttr(e, "errorcode", w) };
  });
  const short = (name: string, field: AgentField) => bounded(field, attr(app, name) || null);
  return {
    appId: rawAppId,
    index: i,
    version,
    track,
    machineId,
    bootId: short("bootid", "bootId"),
    oem: short("oem", "platform"),
    oemVersion: short("oemversion", "platform"),
    alephVersion: short("alephversion", "firstVersion"),
    machineAlias: short("machinealias", "hostname"),
    board,
    arch: arch.arch,
    archProblem: arch.problem,
    ping: child(app, "ping") !== undefined,
    updateCheck: child(app, "updatecheck") !== undefined,
    events,
  };
}
