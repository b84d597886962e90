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

/** Route label for a request path: fixed names, so label cardinality stays bounded. */
export function routeLabel(pathname: string): string {
  if (pathname.startsWith("/_next/")) return "/_next";
  const api = /^\/api\/v1\/([a-z-]+)/.exec(pathname);
  if (api) return `/api/v1/${api[1]}`;
  if (pathname.startsWith("/v1/")) return pathname.split("/").slice(0, 3).join("/");
  return "page";
}
