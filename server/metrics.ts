import client from "prom-client";

export interface Metrics {
  registry: client.Registry;
  requests: client.Counter<"route" | "method" | "status">;
  duration: client.Histogram<"route">;
  reportsIngested: client.Counter<"protocol">;
  batchSize: client.Histogram;
  hostsByState: client.Gauge<"state">;
  agentRefused: client.Counter<"protocol" | "reason">;
}

/**
 * Prometheus metrics, one registry per process. `hostsByState` is filled at scrape time by
 * `collectHosts`, cached so a tight scrape interval does not turn into a query storm.
 */
export function createMetrics(collectHosts: () => Promise<Array<{ key: string; count: number }>>): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "flotilla_process_" });
  let cache: { at: number; rows: Array<{ key: string; count: number }> } | undefined;
  return {
    registry,
    requests: new client.Counter({
      name: "flotilla_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: "flotilla_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    reportsIngested: new client.Counter({
      name: "flotilla_reports_ingested_total",
      help: "Host reports stored, by protocol",
      labelNames: ["protocol"],
      registers: [registry],
    }),
    batchSize: new client.Histogram({
      name: "flotilla_ingest_batch_size",
      help: "Reports per ingest transaction",
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers: [registry],
    }),
    agentRefused: new client.Counter({
      name: "flotilla_agent_refused_total",
      help: "Unauthenticated agent requests refused: naming a host enrolled with a token, or a new host over the per-minute cap",
      labelNames: ["protocol", "reason"],
      registers: [registry],
    }),
    hostsByState: new client.Gauge({
      name: "flotilla_hosts",
      help: "Hosts by update state",
      labelNames: ["state"],
      registers: [registry],
      async collect() {
        if (!cache || Date.now() - cache.at > 10_000) cache = { at: Date.now(), rows: await collectHosts() };
        this.reset();
        for (const r of cache.rows) this.set({ state: r.key }, r.count);
      },
    }),
  };
}

/**
 * The operator API's top-level resources (the folders under app/api/v1; a unit test keeps the
 * two in step). Only these become route labels: a label per path an anonymous client invents
 * grew /metrics without bound (87,608 requests: 121 MB, 740 MB of RSS).
 */
export const API_RESOURCES = [
  "api-tokens",
  "approvals",
  "audit",
  "auth",
  "channels",
  "enrollment-tokens",
  "fleet-policy",
  "fleetlock",
  "groups",
  "history",
  "hosts",
  "ignition",
  "me",
  "openapi.json",
  "overview",
  "pins",
  "preview",
  "releases",
  "rollouts",
  "setup",
  "sync-sources",
  "users",
  "webhooks",
] as const;
const API_LABELS = new Set<string>(API_RESOURCES);

/** Route label for a request Next serves: a fixed set of names, whatever the path. */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith("/_next/")) return "/_next";
  if (pathname.startsWith("/api/")) {
    const resource = /^\/api\/v1\/([^/]+)/.exec(pathname)?.[1];
    return resource && API_LABELS.has(resource) ? `/api/v1/${resource}` : "/api/other";
  }
  // Agent routes are answered (and labelled) by server/agent-http.ts; any other /v1 path is unknown.
  if (pathname.startsWith("/v1/") || pathname === "/v1") return "/v1/other";
  return "page";
}
