import type { IncomingMessage, ServerResponse } from "node:http";
import { assignmentByToken, capabilityPath, getConfigVersion, listAssignments, listConfigs, recordFetch, servedVersion, type AssignmentRow, type ConfigVersionRow } from "@/db/queries/ignition";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { configTraits, renderForAssignment } from "@/lib/ignition/assignment-render";
import { sha512Hex } from "@/lib/ignition/hash";
import { selectAssignment, selectorsFromQuery, type Selectors } from "@/lib/ignition/select";
import { logger } from "@/lib/log";
import { unstorableText } from "@/lib/storable-text";
import type { AgentDeps } from "./agent-http";
import { clientAddress, sendJson } from "./http-util";

// What Ignition does with an answer (coreos/ignition internal/resource/http.go:303-316 and
// url.go:396-403): 200/204 succeed, every status >= 500 is retried with backoff for as long as
// the host waits (forever in the initramfs), 404 and every other status fail the fetch at once.
// So a 5xx is kept for what a retry can fix (the database is down: 503 + Retry-After, mapped in
// agent-http.ts); a config that cannot be served as asked gets a 4xx the host logs and stops on.

const IGNITION_TYPE = "application/vnd.coreos.ignition+json";

function sendConfig(res: ServerResponse, body: string): void {
  res.writeHead(200, { "content-type": IGNITION_TYPE, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

function notFound(res: ServerResponse, message: string): void {
  sendJson(res, 404, { error: { code: "not_found", message } });
}

function hostIdOf(sel: Selectors, a?: AssignmentRow): string | null {
  const raw = sel.machine_id ?? sel.uuid ?? a?.selectors.uuid;
  return raw ? normalizeMachineId(raw) : null;
}

/** Selectors are recorded with each fetch: text Postgres cannot hold is refused up front. */
function refuseUnstorable(res: ServerResponse, url: URL): boolean {
  const bad = unstorableText([...url.searchParams], "query");
  if (bad) sendJson(res, 400, { error: { code: "bad_request", message: `invalid selectors: ${bad.message}` } });
  return bad !== null;
}

interface Serve {
  req: IncomingMessage;
  res: ServerResponse;
  deps: AgentDeps;
  sel: Selectors;
  /** What the fetch log keeps as the URL: never a capability token. */
  shownUrl: string;
}

/**
 * Serves one stored version through one assignment: rendered with the assignment's values,
 * so the bytes are exactly those whose hash the UI shows for it. A rendering that cannot be
 * served (an assignment older than these checks, say) answers 422 and is logged.
 */
async function serveVersion(s: Serve, a: AssignmentRow | null, configId: string, version: number | null, loaded?: ConfigVersionRow | null): Promise<void> {
  const db = s.deps.database.db;
  const row = loaded !== undefined ? loaded : version === null ? null : await getConfigVersion(db, configId, version);
  if (!row?.rendered || row.draft) {
    // Publishing later can fix it, retrying cannot: the host stops with "resource not found".
    logger().warn({ assignment: a?.name, config: configId, version }, "Ignition fetch for a version that cannot be served");
    return notFound(s.res, version === null ? `config ${configId} has no published version` : `version ${version} of ${configId} cannot be served`);
  }
  const r = a ? renderForAssignment(row.rendered, a) : { ok: true as const, body: row.rendered };
  if (!r.ok) {
    logger().error({ assignment: a?.name, config: configId, version: row.version, problem: r.message }, "rendered config not served");
    return sendJson(s.res, 422, { error: { code: "unprocessable", message: `config ${configId} v${row.version} cannot be rendered for assignment ${a?.name}: ${r.message}` } });
  }
  await recordFetch(db, { hostId: hostIdOf(s.sel, a ?? undefined), configId, version: row.version, sha512: sha512Hex(r.body), clientAddr: clientAddress(s.req, s.deps.trustProxy), query: s.sel, url: s.shownUrl });
  sendConfig(s.res, r.body);
}

/**
 * First-boot config by selectors, like Matchbox: the most specific matching assignment wins,
 * a selector-less one is the default; 404 when nothing matches. Configs that hold secrets are
 * not served here (selectors are guessable): only through their assignments' capability URLs.
 */
export async function handleIgnitionSelect(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (refuseUnstorable(res, url)) return;
  const sel = selectorsFromQuery(url.searchParams);
  const db = deps.database.db;
  const [assignments, configs] = await Promise.all([listAssignments(db), listConfigs(db)]);
  const chosen = selectAssignment(assignments, sel);
  if (!chosen) return notFound(res, "no Ignition config matches these selectors");
  const version = servedVersion(chosen, configs.find((c) => c.id === chosen.configId)?.publishedVersion ?? null);
  const row = version === null ? null : await getConfigVersion(db, chosen.configId, version);
  if (row?.rendered && configTraits(row.rendered).secrets.length > 0) {
    return notFound(res, "this config is served only through its assignment's capability URL");
  }
  await serveVersion({ req, res, deps, sel, shownUrl: url.pathname + url.search }, chosen, chosen.configId, version, row);
}

const VERSION_PATH = /^\/ignition\/configs\/([a-zA-Z0-9._-]{1,64})\/(\d{1,9})\.ign$/;

/**
 * Immutable per-version URL for `ignition.config.merge` with `verification.hash`: only for a
 * version that is the same for every host and holds no secrets, so the hash the UI shows for
 * it is the hash of what it serves. Others are served per assignment (`/ignition/a/…`).
 */
export async function handleIgnitionVersion(req: IncomingMessage, res: ServerResponse, deps: AgentDeps, pathname: string): Promise<void> {
  const m = VERSION_PATH.exec(pathname);
  if (!m) return notFound(res, "no such config version");
  const row = await getConfigVersion(deps.database.db, m[1]!, Number(m[2]));
  if (!row?.rendered || row.draft) return notFound(res, "no such config version");
  const traits = configTraits(row.rendered);
  // Same answer as for a version that does not exist: the name+version URL is guessable.
  if (traits.secrets.length > 0) return notFound(res, "no such config version");
  if (traits.variables.length > 0) return notFound(res, `this version needs per-host values for ${traits.variables.join(", ")}: fetch it through an assignment's URL`);
  const url = new URL(req.url ?? "/", "http://localhost");
  if (refuseUnstorable(res, url)) return;
  await serveVersion({ req, res, deps, sel: selectorsFromQuery(url.searchParams), shownUrl: url.pathname + url.search }, null, row.configId, row.version, row);
}

const CAPABILITY_PATH = /^\/ignition\/a\/([A-Za-z0-9_-]{32,128})(?:\/(\d{1,9})\.ign)?$/;

/**
 * Capability URLs, one per assignment: `/ignition/a/<token>` serves what the assignment serves
 * now (for `ignition.config.url`), `/ignition/a/<token>/<version>.ign` one version, immutably
 * (for merge sources with `verification.hash`). The token is 256 random bits; an unknown one
 * gets the same 404 as a malformed one.
 */
export async function handleIgnitionCapability(req: IncomingMessage, res: ServerResponse, deps: AgentDeps, pathname: string): Promise<void> {
  const m = CAPABILITY_PATH.exec(pathname);
  const a = m ? await assignmentByToken(deps.database.db, m[1]!) : null;
  if (!m || !a) return notFound(res, "no such config");
  const url = new URL(req.url ?? "/", "http://localhost");
  if (refuseUnstorable(res, url)) return;
  let version: number | null;
  if (m[2] !== undefined) {
    version = Number(m[2]);
  } else {
    const [config] = (await listConfigs(deps.database.db)).filter((c) => c.id === a.configId);
    version = servedVersion(a, config?.publishedVersion ?? null);
  }
  const tag = `[assignment:${a.name}]`;
  const shown = m[2] !== undefined ? capabilityPath(tag, Number(m[2])) : capabilityPath(tag);
  await serveVersion({ req, res, deps, sel: selectorsFromQuery(url.searchParams), shownUrl: shown }, a, a.configId, version);
}
