import { XMLParser } from "fast-xml-parser";
import { normalizeArch, normalizeMachineId } from "../agent/machine-id";

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
  appId: string;
  version: string;
  track: string;
  machineId: string;
  bootId: string | null;
  oem: string | null;
  oemVersion: string | null;
  alephVersion: string | null;
  machineAlias: string | null;
  board: string | null;
  arch: string;
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

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  // Only the five predefined entities; documents with a DTD are refused before parsing.
  processEntities: true,
  htmlEntities: false,
  allowBooleanAttributes: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === "app" || name === "event",
});

type Node = Record<string, unknown>;

function asNode(v: unknown): Node | null {
  if (v === "" ) return {};
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : null;
}

function attr(n: Node, name: string): string | null {
  const v = n[name];
  return typeof v === "string" ? v : null;
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,63}$/;
const TRACK = /^[a-zA-Z0-9._-]{1,64}$/;

function archOf(board: string | null, sp: string | null): string {
  if (board) return normalizeArch(board);
  const m = sp ? /_(x86_64|aarch64)$/.exec(sp) : null;
  return m ? normalizeArch(m[1]!) : "amd64";
}

function intAttr(n: Node, name: string, where: string): number | null {
  const raw = attr(n, name);
  if (raw === null || raw === "") return null;
  if (!/^-?\d{1,12}$/.test(raw)) throw new OmahaRequestError(`${where}@${name} must be an integer`);
  return Number(raw);
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|</g;

/**
 * Checks that every tag is well-formed and closed in order: a truncated or garbled request
 * must not be half-read. Returns what is wrong, or null.
 */
export function tagBalanceError(xml: string): string | null {
  const stack: string[] = [];
  let roots = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m; m = TAG.exec(xml)) {
    if (m[0] === "<") return `bad markup at offset ${m.index}`;
    const name = m[2];
    if (!name) continue; // processing instruction or comment
    if (m[1]) {
      if (stack.pop() !== name) return `unexpected </${name}> at offset ${m.index}`;
    } else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length) return `<${stack[stack.length - 1]}> is never closed`;
  if (roots !== 1) return "a document needs exactly one root element";
  return null;
}

/** Parses an update_engine request. Throws OmahaRequestError with a reason on bad input. */
export function parseOmahaRequest(xml: string): OmahaRequest {
  if (xml.length > MAX_OMAHA_BODY) throw new OmahaRequestError(`body larger than ${MAX_OMAHA_BODY} bytes`);
  // DTDs are how entity-expansion and external-entity attacks get in: none are accepted.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new OmahaRequestError("DOCTYPE and ENTITY declarations are not allowed");
  const unbalanced = tagBalanceError(xml);
  if (unbalanced) throw new OmahaRequestError(`malformed XML: ${unbalanced}`);
  let doc: Node;
  try {
    // Well-formedness was checked above, more cheaply than the parser's own validator (half
    // the cost of a check-in's parsing); the parser only builds the tree.
    doc = parser.parse(xml, false) as Node;
  } catch (err) {
    throw new OmahaRequestError(`malformed XML: ${err instanceof Error ? err.message.split("\n")[0] : "parse error"}`);
  }
  const req = asNode(doc.request);
  if (!req) throw new OmahaRequestError("root element must be <request>");
  const protocol = attr(req, "protocol");
  if (protocol !== "3.0") throw new OmahaRequestError('request@protocol must be "3.0"');
  const os = asNode(req.os) ?? {};
  const sp = attr(os, "sp");
  const apps = (Array.isArray(req.app) ? req.app : []).map((raw, i) => parseApp(asNode(raw), i, sp));
  if (apps.length === 0) throw new OmahaRequestError("request has no <app>");
  return {
    protocol,
    updaterVersion: attr(req, "updaterversion") ?? attr(req, "version"),
    installSource: attr(req, "installsource"),
    osVersion: attr(os, "version"),
    osPlatform: attr(os, "platform"),
    osSp: sp,
    apps,
  };
}

function parseApp(app: Node | null, i: number, sp: string | null): OmahaApp {
  const where = `app[${i}]`;
  if (!app) throw new OmahaRequestError(`${where} is not an element`);
  const rawAppId = attr(app, "appid");
  if (!rawAppId) throw new OmahaRequestError(`${where}@appid is required`);
  const appId = rawAppId.trim().replace(/^\{|\}$/g, "").toLowerCase();
  if (appId !== FLATCAR_APP_ID) throw new OmahaRequestError(`unknown application ${rawAppId}`, rawAppId, "unknown_app");
  const version = attr(app, "version");
  if (!version || !VERSION.test(version)) throw new OmahaRequestError(`${where}@version must be an OS version like 3374.2.5`, rawAppId);
  const rawMachine = attr(app, "machineid");
  const machineId = rawMachine ? normalizeMachineId(rawMachine) : null;
  if (!machineId) throw new OmahaRequestError(`${where}@machineid must be 32 hex digits`, rawAppId);
  const track = attr(app, "track") || "stable";
  if (!TRACK.test(track)) throw new OmahaRequestError(`${where}@track must be letters, digits, . _ -`, rawAppId);
  const board = attr(app, "board") || null;
  const events = (Array.isArray(app.event) ? app.event : []).map((raw, j) => {
    const e = asNode(raw);
    const w = `${where}.event[${j}]`;
    if (!e) throw new OmahaRequestError(`${w} is not an element`, rawAppId);
    const type = intAttr(e, "eventtype", w);
    const result = intAttr(e, "eventresult", w);
    if (type === null || result === null) throw new OmahaRequestError(`${w} needs eventtype and eventresult`, rawAppId);
    const prev = attr(e, "previousversion");
    return { type, result, previousVersion: prev && prev !== "0.0.0.0" ? prev : null, errorCode: intAttr(e, "errorcode", w) };
  });
  const short = (name: string, max = 128) => {
    const v = attr(app, name);
    return v ? v.slice(0, max) : null;
  };
  return {
    appId,
    version,
    track,
    machineId,
    bootId: short("bootid", 64),
    oem: short("oem", 64),
    oemVersion: short("oemversion", 64),
    alephVersion: short("alephversion", 64),
    machineAlias: short("machinealias", 253),
    board,
    arch: archOf(board, sp),
    ping: app.ping !== undefined,
    updateCheck: app.updatecheck !== undefined,
    events,
  };
}
