import type { IncomingMessage, ServerResponse } from "node:http";
import { getConfigVersion, listAssignments, listConfigs, recordFetch } from "@/db/queries/ignition";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { compileConfig } from "@/lib/ignition/compile";
import { sha512Hex } from "@/lib/ignition/hash";
import { placeholders, renderVariables } from "@/lib/ignition/render";
import { selectAssignment, selectorsFromQuery, type Selectors } from "@/lib/ignition/select";
import { logger } from "@/lib/log";
import { unstorableText } from "@/lib/storable-text";
import type { AgentDeps } from "./agent-http";
import { clientAddress, sendJson } from "./http-util";

const IGNITION_TYPE = "application/vnd.coreos.ignition+json";

function sendConfig(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": IGNITION_TYPE, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

function hostIdOf(sel: Selectors): string | null {
  const raw = sel.machine_id ?? sel.uuid;
  return raw ? normalizeMachineId(raw) : null;
}

/**
 * First-boot config by selectors, like Matchbox: the most specific matching assignment wins,
 * a selector-less one is the default; 404 only when nothing matches. `{{variables}}` are
 * filled from the request, and what is served must still validate.
 */
/** Selectors are recorded with each fetch: text Postgres cannot hold is refused up front. */
function refuseUnstorable(res: ServerResponse, url: URL): boolean {
  const bad = unstorableText([...url.searchParams], "query");
  if (bad) sendJson(res, 400, { error: { code: "bad_request", message: `invalid selectors: ${bad.message}` } });
  return bad !== null;
}

export async function handleIgnitionSelect(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (refuseUnstorable(res, url)) return;
  const sel = selectorsFromQuery(url.searchParams);
  const db = deps.database.db;
  const [assignments, configs] = await Promise.all([listAssignments(db), listConfigs(db)]);
  const chosen = selectAssignment(assignments, sel);
  if (!chosen) return sendJson(res, 404, { error: { code: "not_found", message: "no Ignition config matches these selectors" } });
  const version = chosen.version ?? configs.find((c) => c.id === chosen.configId)?.publishedVersion ?? null;
  const row = version ? await getConfigVersion(db, chosen.configId, version) : null;
  if (!row?.rendered || row.draft) {
    logger().error({ assignment: chosen.name, config: chosen.configId }, "assignment points at no servable version");
    return sendJson(res, 500, { error: { code: "internal", message: `config ${chosen.configId} has no published version` } });
  }
  const body = renderFor(res, row.rendered, sel, chosen.configId, row.version);
  if (body === null) return;
  await recordFetch(db, { hostId: hostIdOf(sel), configId: chosen.configId, version: row.version, sha512: sha512Hex(body), clientAddr: clientAddress(req, deps.trustProxy), query: sel, url: url.pathname + url.search });
  sendConfig(res, body);
}

/**
 * The bytes to serve: the stored config, or with `{{variables}}` filled from the request and
 * validated again. A config that would be served incomplete or invalid is answered with 500
 * (Ignition retries) and logged, never served. Returns null when it answered itself.
 */
function renderFor(res: ServerResponse, stored: string, sel: Selectors, configId: string, version: number): string | null {
  if (placeholders(stored).length === 0) return stored;
  const { text, missing } = renderVariables(stored, sel);
  const check = compileConfig("ignition", text);
  if (missing.length === 0 && check.valid) return text;
  logger().error({ config: configId, version, missing, errors: check.errors.slice(0, 3) }, "rendered config not served");
  sendJson(res, 500, { error: { code: "internal", message: missing.length ? `missing variables: ${missing.join(", ")}` : "rendered config does not validate" } });
  return null;
}

const VERSION_PATH = /^\/ignition\/configs\/([a-zA-Z0-9._-]{1,64})\/(\d{1,9})\.ign$/;

/** Immutable per-version URL, fit for `ignition.config.merge` with `verification.hash`. */
export async function handleIgnitionVersion(req: IncomingMessage, res: ServerResponse, deps: AgentDeps, pathname: string): Promise<void> {
  const m = VERSION_PATH.exec(pathname);
  if (!m) return sendJson(res, 404, { error: { code: "not_found", message: "no such config version" } });
  const row = await getConfigVersion(deps.database.db, m[1]!, Number(m[2]));
  if (!row?.rendered || row.draft) return sendJson(res, 404, { error: { code: "not_found", message: "no such config version" } });
  const url = new URL(req.url ?? "/", "http://localhost");
  if (refuseUnstorable(res, url)) return;
  const sel = selectorsFromQuery(url.searchParams);
  const body = renderFor(res, row.rendered, sel, row.configId, row.version);
  if (body === null) return;
  await recordFetch(deps.database.db, { hostId: hostIdOf(sel), configId: row.configId, version: row.version, sha512: sha512Hex(body), clientAddr: clientAddress(req, deps.trustProxy), query: sel, url: url.pathname + url.search });
  sendConfig(res, body);
}
