import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "@/db/client";
import { ping } from "@/db/client";
import type { IngestReport } from "@/db/queries/ingest";
import { QueueFullError, type ReportWriter } from "@/db/report-writer";
import { NativeReportSchema, nextReportDelay, type NativeReportResponse } from "@/lib/agent/native-report";
import { dataErrorKind, isUnavailableError } from "@/lib/db-errors";
import { unstorableText } from "@/lib/storable-text";
import { AppError, validationError } from "@/lib/errors";
import { directiveFor } from "@/lib/agent/directive";
import { bounded } from "@/lib/agent/field-bounds";
import { decideUpdate } from "@/lib/update/decide";
import { failedVersionsFor, resolveChannel, resolveGroup } from "@/lib/update/policy";
import { logger } from "@/lib/log";
import { handleGraph } from "./cincinnati-http";
import type { AgentGate } from "./agent-gate";
import type { EnrollmentAuth } from "./enrollment-auth";
import { sameSecret } from "@/lib/auth/tokens";
import { handlePreReboot, handleSteadyState } from "./fleetlock-http";
import { handleIgnitionCapability, handleIgnitionSelect, handleIgnitionVersion } from "./ignition-http";
import { handleOmaha } from "./omaha-http";
import type { PolicyCache } from "./policy-cache";
import { clientAddress, readBody, sendError, sendJson } from "./http-util";
import { gateOffer } from "./offer-gate";
import { noteBootFailure } from "./host-failures";
import type { Metrics } from "./metrics";

export interface AgentDeps {
  database: Database;
  writer: ReportWriter;
  auth: EnrollmentAuth;
  metrics: Metrics;
  policy: PolicyCache;
  reportIntervalSeconds: number;
  trustProxy: boolean;
  /** FleetLock slots held longer are freed (0 or unset: never). */
  fleetLockSlotTtlMinutes?: number;
  /** When set, Omaha is served only at /v1/update/<token>. */
  omahaPathToken?: string;
  /** When set, Omaha, the graph and FleetLock are served only under /fleet/<token>/. */
  agentPathToken?: string;
  /** Admission of the open protocols: hosts enrolled with a token, the new-host cap. */
  gate: AgentGate;
}

type Handler = (req: IncomingMessage, res: ServerResponse, deps: AgentDeps) => Promise<void>;

/** Endpoints served by plain node:http: the agent hot path and probes, never through Next. */
const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  "/v1/agent/report": { POST: handleNativeReport },
  "/v1/update": { POST: handleOmaha },
  "/v1/graph": { GET: handleGraph },
  "/v1/pre-reboot": { POST: handlePreReboot },
  "/v1/steady-state": { POST: handleSteadyState },
  "/ignition": { GET: handleIgnitionSelect },
  "/ignition/configs": { GET: (req, res, deps) => handleIgnitionVersion(req, res, deps, new URL(req.url ?? "/", "http://localhost").pathname) },
  "/ignition/a": { GET: (req, res, deps) => handleIgnitionCapability(req, res, deps, new URL(req.url ?? "/", "http://localhost").pathname) },
  "/healthz": { GET: handleHealth },
  "/metrics": { GET: handleMetrics },
};

/** Returns a handler that answers agent and probe routes and reports whether it did. */
export function createAgentRouter(deps: AgentDeps) {
  return (req: IncomingMessage, res: ServerResponse, rawPath: string): boolean => {
    const pathname = routeOf(rawPath, deps.omahaPathToken, deps.agentPathToken);
    if (pathname === null) return false;
    const route = ROUTES[pathname];
    if (!route) return false;
    const handler = route[req.method ?? "GET"];
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      deps.metrics.requests.inc({ route: pathname, method: req.method ?? "", status: String(res.statusCode) });
      deps.metrics.duration.observe({ route: pathname }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    if (!handler) {
      sendJson(res, 405, { error: { code: "method_not_allowed", message: `use ${Object.keys(route).join(", ")}` } }, { allow: Object.keys(route).join(", ") });
      return true;
    }
    handler(req, res, deps).catch((err: unknown) => {
      const mapped = isUnavailableError(err)
        ? new AppError("unavailable", "database unavailable, retry later")
        : dataErrorKind(err) === "invalid"
          ? new AppError("bad_request", "a value in the request cannot be stored")
          : err;
      if (!(mapped instanceof AppError)) logger().error({ err, route: pathname }, "agent request failed");
      if (!res.headersSent) sendError(res, mapped);
    });
    return true;
  };
}

/** The unauthenticated agent protocols, which the fleet's path secret guards when it is set. */
const OPEN_ROUTES = new Set(["/v1/update", "/v1/graph", "/v1/pre-reboot", "/v1/steady-state"]);
const FLEET_PREFIX = "/fleet/";

/**
 * Maps a request path to its route key. Omaha answers at /v1/update and /v1/update/; with the
 * legacy Omaha secret only at /v1/update/<token>. With the fleet's path secret, Omaha, the graph
 * and FleetLock answer only under /fleet/<secret>/ (update_engine's SERVER and Zincati's
 * base_url are URLs, so the path is where a secret fits); the route key never holds the secret.
 */
function routeOf(path: string, omahaToken: string | undefined, agentToken: string | undefined): string | null {
  if (path.startsWith("/ignition/configs/")) return "/ignition/configs";
  // One route key for every capability URL: the token never becomes a metric label.
  if (path.startsWith("/ignition/a/")) return "/ignition/a";
  if (path.startsWith(FLEET_PREFIX)) {
    const end = path.indexOf("/", FLEET_PREFIX.length);
    if (!agentToken || end === -1 || !sameSecret(path.slice(FLEET_PREFIX.length, end), agentToken)) return null;
    const rest = path.slice(end);
    const route = rest === "/v1/update/" ? "/v1/update" : rest;
    // The native agent and the health probe answer under the prefix too, so one base URL serves
    // every kind of host (the simulator's --url as well); metrics stay where the scraper looks.
    return OPEN_ROUTES.has(route) || route === "/v1/agent/report" || route === "/healthz" ? route : null;
  }
  if (path === "/v1/update" || path === "/v1/update/" || path.startsWith("/v1/update/")) {
    if (agentToken && !omahaToken) return null;
    const suffix = path.slice("/v1/update".length).replace(/^\/|\/$/g, "");
    if (omahaToken ? suffix === omahaToken : suffix === "") return "/v1/update";
    return null;
  }
  if (agentToken && OPEN_ROUTES.has(path)) return null;
  return path;
}

/** Database failures become 503 + Retry-After: agents back off and retry, nothing is lost. */
function unavailable(err: unknown): AppError {
  if (err instanceof QueueFullError) return new AppError("unavailable", "server busy, retry later");
  // The writer retries a refused row alone, so a data error here is this report's own fault.
  if (dataErrorKind(err) === "invalid") return new AppError("bad_request", "the report holds a value the database cannot store");
  logger().warn({ err: err instanceof Error ? err.message : String(err) }, "report not stored");
  return new AppError("unavailable", "database unavailable, retry later");
}

async function handleNativeReport(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  if (!(await deps.auth.check(req.headers.authorization))) {
    // Drain the body so keep-alive connections stay usable.
    req.resume();
    throw new AppError("unauthorized", "missing or invalid enrollment token");
  }
  const type = req.headers["content-type"];
  if (type && !/^application\/json\b/i.test(type)) {
    req.resume();
    throw new AppError("unsupported_media_type", "content-type must be application/json");
  }
  const raw = await readBody(req);
  const text = raw.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError("bad_request", `body is not valid JSON: ${err instanceof Error ? err.message : "parse error"}`);
  }
  // Postgres cannot hold NUL or lone surrogates; refuse them here rather than in the ingest batch.
  const unstorable = unstorableText(json);
  if (unstorable) throw new AppError("bad_request", `invalid report: ${unstorable.path}: ${unstorable.message}`, [unstorable]);
  const parsed = NativeReportSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error, "report");
  const r = parsed.data;
  const policy = await deps.policy.get();
  // An operator's label assignment wins over the group the agent asked for.
  const group = resolveGroup(policy, r.group, r.labels);
  // Like an Omaha track, the group name also names a channel when the group has none.
  const channel = resolveChannel(policy, r.os.family, group, r.group);
  // The agent rolled back: the version it was offered failed to boot here.
  const failedVersions =
    r.state === "rolled_back"
      ? await noteBootFailure(deps, policy, { hostId: r.machineId, runningVersion: r.os.version, source: "native_rollback", errorCode: r.error?.code ?? null, errorMessage: r.error?.message ?? null, at: new Date() })
      : failedVersionsFor(policy, r.machineId);
  const decision = await gateOffer(deps, policy, decideUpdate(policy, channel, { id: r.machineId, groupId: group, version: r.os.version, arch: r.os.arch, updateState: r.state, failedVersions }), { id: r.machineId, groupId: group });
  const directive = directiveFor(decision, { slot: r.slot ?? null, previousVersion: r.previousVersion ?? null });
  const report: IngestReport = {
    hostId: r.machineId,
    receivedAt: new Date(),
    protocol: "native",
    kind: "report",
    hostname: r.hostname,
    osFamily: r.os.family,
    osVersion: r.os.version,
    arch: r.os.arch,
    slot: r.slot ?? null,
    deploymentId: r.deploymentId ?? null,
    previousVersion: r.previousVersion ?? null,
    updateState: r.state,
    errorCode: r.error?.code ?? null,
    errorMessage: r.error?.message ?? null,
    health: r.health,
    labels: r.labels,
    groupId: group,
    channelId: channel?.id ?? null,
    offeredVersion: decision.kind === "offer" ? decision.release.version : null,
    rollout: decision.kind === "offer" ? (decision.rollout ?? null) : null,
    holdReason: decision.kind === "hold" ? decision.detail : null,
    agentVersion: r.agent ? bounded("agentVersion", `${r.agent.name}/${r.agent.version}`) : null,
    clientAddr: clientAddress(req, deps.trustProxy),
    detail: {
      ...(group !== r.group ? { requestedGroup: r.group } : {}),
      ...(r.slot ? { slot: r.slot } : {}),
      ...(r.deploymentId ? { deploymentId: r.deploymentId } : {}),
      ...(r.health.length ? { health: r.health } : {}),
      ...(r.error ? { error: r.error } : {}),
    },
  };
  try {
    await deps.writer.submit(report);
  } catch (err) {
    throw unavailable(err);
  }
  deps.metrics.reportsIngested.inc({ protocol: "native" });
  const body: NativeReportResponse = {
    accepted: true,
    hostId: r.machineId,
    directive,
    nextReportInSeconds: nextReportDelay(deps.reportIntervalSeconds),
    serverTime: report.receivedAt.toISOString(),
  };
  sendJson(res, 200, body);
}

async function handleHealth(_req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  try {
    await Promise.race([
      ping(deps.database.db),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref()),
    ]);
    sendJson(res, 200, { status: "ok", database: deps.database.kind });
  } catch {
    sendJson(res, 503, { status: "unavailable", database: deps.database.kind }, { "retry-after": "5" });
  }
}

async function handleMetrics(_req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  let text: string;
  try {
    text = await deps.metrics.registry.metrics();
  } catch {
    // The hosts gauge needs the database; the process metrics are still worth serving.
    text = await deps.metrics.registry.getSingleMetricAsString("flotilla_http_requests_total");
  }
  res.writeHead(200, { "content-type": deps.metrics.registry.contentType });
  res.end(text);
}
