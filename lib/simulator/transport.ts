/** The outcome of one request: an answer of any status, or no answer at all. */
export type SendResult =
  | { kind: "response"; status: number; body: string; retryAfterSeconds?: number; latencyMs: number }
  | { kind: "network"; error: Error; latencyMs: number };

/** One request a virtual host sends, relative to the server's base URL. */
export interface SimRequest {
  method: "GET" | "POST";
  /** Path and query, e.g. `/v1/update/` or `/v1/graph?basearch=x86_64&…`. */
  path: string;
  body?: string;
  /** Request headers beyond the transport's defaults (content-type, accept, user-agent, …). */
  headers?: Readonly<Record<string, string>>;
  /** Send the enrollment token (native agent reports only). */
  auth?: boolean;
}

/** How a simulation delivers requests; HTTP in real runs, a stub in unit tests. */
export interface ReportTransport {
  send(request: SimRequest): Promise<SendResult>;
}

/** The server's own words from an error answer (`{error:{message}}`), else the start of the body. */
export function errorMessage(result: SendResult): string {
  if (result.kind === "network") return describeNetworkError(result.error);
  try {
    const parsed: unknown = JSON.parse(result.body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const err = (parsed as { error: unknown }).error;
      if (typeof err === "object" && err !== null && "message" in err && typeof err.message === "string") return err.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = result.body.trim().replace(/\s+/g, " ");
  return text ? text.slice(0, 200) : `HTTP ${result.status}`;
}

/** `nextReportInSeconds` from an accepted report's answer, if it has a usable one. */
export function nextReportInSeconds(body: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "nextReportInSeconds" in parsed) {
      const v = parsed.nextReportInSeconds;
      if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
    }
  } catch {
    // a 2xx without JSON still counts as accepted
  }
  return undefined;
}

/**
 * A readable cause for a failed connection. Node reports `localhost` tried over IPv6 and
 * IPv4 as an AggregateError with an empty message, so look inside it.
 */
export function describeNetworkError(err: Error): string {
  const code = (err as Error & { code?: unknown }).code;
  if (err instanceof AggregateError && err.errors.length > 0) {
    const inner = err.errors.filter((e): e is Error => e instanceof Error).map((e) => e.message);
    if (inner.length) return [...new Set(inner)].join("; ");
  }
  if (err.message) return err.message;
  return typeof code === "string" ? code : "connection failed";
}
