import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { processDatabase, setProcessDatabase, type Database } from "@/db/client";
import { hostsByState } from "@/db/queries/hosts";
import { ReportWriter } from "@/db/report-writer";
import type { Env } from "@/lib/config/env";
import { logger } from "@/lib/log";
import { AgentGate } from "./agent-gate";
import { createAgentRouter } from "./agent-http";
import { capConnections, isProbeOnly } from "./connection-cap";
import { bootstrapAdmin } from "./bootstrap";
import { EnrollmentAuth } from "./enrollment-auth";
import { startRetentionJob } from "./history-retention";
import { limitBody, malformedPath, MAX_AGENT_BODY, MAX_OPERATOR_BODY, sendJson } from "./http-util";
import { createMetrics, routeLabel } from "./metrics";
import { PolicyCache } from "./policy-cache";
import { startRolloutEngine } from "./rollout-engine";
import { startWebhookDispatcher } from "./webhook-dispatcher";
import { registerFleetMetrics } from "./fleet-metrics";
import { servePayload } from "./payload-http";
import { syncConfig } from "./sync-config";
import { startReleaseSync } from "./release-sync";
import { PAYLOAD_PREFIX } from "@/lib/sync/mirror-paths";
import { expireRebootSlots } from "@/db/queries/fleetlock";

export interface RunningServer {
  url: string;
  database: Database;
  close(): Promise<void>;
}

export type NextHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface StartOptions {
  env: Env;
  /** Serve the web UI and operator API through Next; off for agent-only processes (bench). */
  ui: boolean;
  dev?: boolean;
  /** An already opened database (tests); otherwise opened from env. */
  database?: Database;
  /**
   * Serves what the agent router does not, in place of Next (tests mount the operator API's
   * route modules this way, without a production build).
   */
  fallback?: NextHandler;
}

/**
 * Requests Node's own parser refuses (headers past the size limit, a malformed request line)
 * get the same JSON error body as every other refusal instead of a bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const message = status === 431 ? "request headers too large" : status === 408 ? "request timed out" : "malformed HTTP request";
  const body = JSON.stringify({ error: { code: "bad_request", message } });
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * One HTTP server per process: agent protocols and probes are answered by plain node:http
 * handlers (the hot path never pays for Next's routing); everything else goes to Next.
 */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { env } = opts;
  const log = logger();
  if (opts.database) setProcessDatabase(opts.database);
  const database = opts.database ?? (await processDatabase({ url: env.DATABASE_URL, dataDir: env.FLOTILLA_DATA_DIR, poolSize: env.FLOTILLA_DB_POOL_SIZE }));
  log.info({ database: database.kind, dataDir: database.kind === "pglite" ? env.FLOTILLA_DATA_DIR : undefined }, "database ready");

  const metrics = createMetrics(() => hostsByState(database.db));
  registerFleetMetrics(metrics.registry, database.db);
  const sync = syncConfig(env, env.FLOTILLA_PUBLIC_URL ?? "");
  const retention = startRetentionJob(database.db, env.FLOTILLA_HISTORY_RETENTION_DAYS);
  // PGlite has one connection, so one batch at a time. On Postgres two: one batch commits
  // (waits for its WAL flush) while the next runs. More writers made smaller batches that cost
  // more per report (each statement has about 1 ms of fixed cost): 4 writers measured 3,746
  // reports/s against 4,394 with 2 on the same machine.
  const writer = new ReportWriter(database.db, database.kind === "pglite" ? 1 : Math.max(1, Math.min(2, env.FLOTILLA_DB_POOL_SIZE - 2)), {
    onBatch: (size) => metrics.batchSize.observe(size),
  });
  const policy = new PolicyCache(database.db);
  const agentRouter = createAgentRouter({
    database,
    writer,
    auth: new EnrollmentAuth(database.db, env.FLOTILLA_ENROLLMENT_TOKEN),
    metrics,
    policy,
    omahaPathToken: env.FLOTILLA_OMAHA_PATH_TOKEN,
    agentPathToken: env.FLOTILLA_AGENT_PATH_TOKEN,
    gate: new AgentGate(database.db, { newHostsPerMinute: env.FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE, metrics }),
    reportIntervalSeconds: env.FLOTILLA_REPORT_INTERVAL_SECONDS,
    fleetLockSlotTtlMinutes: env.FLOTILLA_FLEETLOCK_SLOT_TTL_MINUTES,
    trustProxy: env.FLOTILLA_TRUST_PROXY,
  });

  let nextHandler: NextHandler | undefined = opts.fallback;
  let closeNext: (() => Promise<void>) | undefined;
  if (opts.ui && !nextHandler) {
    const { default: next } = await import("next");
    const app = next({ dev: opts.dev ?? false, dir: process.cwd(), hostname: "localhost", port: env.PORT });
    await app.prepare();
    nextHandler = app.getRequestHandler();
    closeNext = () => app.close();
  }

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    // A connection past the cap is served only the health check, then closed.
    if (isProbeOnly(req.socket) && pathname !== "/healthz") {
      req.resume();
      return sendJson(res, 503, { error: { code: "unavailable", message: "too many connections, retry later" } }, { connection: "close", "retry-after": "5" });
    }
    // Every body is held to a limit as it streams, agent and operator alike (http-util.ts).
    const agentPath = pathname.startsWith("/v1/") || pathname.startsWith("/ignition") || pathname === "/healthz" || pathname === "/metrics";
    if (limitBody(req, res, agentPath ? MAX_AGENT_BODY : MAX_OPERATOR_BODY)) return;
    if (agentRouter(req, res, pathname)) return;
    if (pathname.startsWith(PAYLOAD_PREFIX)) {
      servePayload(req, res, pathname, sync.mirrorDir).catch((err: unknown) => {
        log.error({ err }, "payload request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    const badPath = malformedPath(pathname);
    if (badPath) {
      req.resume();
      return sendJson(res, 400, { error: { code: "bad_request", message: badPath } });
    }
    if (!nextHandler) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"not found"}}');
      return;
    }
    // Next sees the client address through a header only this server may set.
    const addr = req.socket.remoteAddress ?? "";
    req.headers["x-flotilla-client-addr"] = env.FLOTILLA_TRUST_PROXY
      ? (String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() || addr)
      : addr;
    const started = process.hrtime.bigint();
    const route = routeLabel(pathname);
    res.on("finish", () => {
      metrics.requests.inc({ route, method: req.method ?? "", status: String(res.statusCode) });
      metrics.duration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    nextHandler(req, res).catch((err: unknown) => {
      log.error({ err }, "request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on("clientError", answerClientError);
  capConnections(server, { total: env.FLOTILLA_MAX_CONNECTIONS, perAddress: env.FLOTILLA_TRUST_PROXY ? null : env.FLOTILLA_MAX_CONNECTIONS_PER_ADDRESS }, log);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  await bootstrapAdmin(database.db, env, env.FLOTILLA_PUBLIC_URL ?? url);
  // Each tick also frees FleetLock slots held past their TTL (a host that never came back from its reboot).
  const stopEngine = startRolloutEngine(database.db, env.FLOTILLA_ROLLOUT_TICK_SECONDS * 1000, () => policy.invalidate(), () => expireRebootSlots(database.db, env.FLOTILLA_FLEETLOCK_SLOT_TTL_MINUTES));
  const webhooks = startWebhookDispatcher(database.db, { publicUrl: env.FLOTILLA_PUBLIC_URL, intervalMs: env.FLOTILLA_WEBHOOK_TICK_SECONDS * 1000 });
  const stopSync = startReleaseSync(database.db, env.FLOTILLA_SYNC_TICK_SECONDS * 1000, syncConfig(env, url), () => policy.invalidate());
  log.info({ url, ui: opts.ui }, "Flotilla listening");

  return {
    url,
    database,
    async close() {
      await stopEngine();
      await webhooks.stop();
      await stopSync();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Everything acknowledged is already committed; this only lets queued reports finish.
      await writer.drain();
      await retention.stop();
      await closeNext?.();
      // A database handed in by the caller is the caller's to close.
      if (!opts.database) await database.close();
    },
  };
}
