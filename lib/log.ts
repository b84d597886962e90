import pino from "pino";

const key = Symbol.for("flotilla.logger");

/**
 * A failed query's error carries its parameters (drizzle puts them in `params` and in the
 * message), and parameters can be password hashes or token hashes: logged errors keep the
 * SQL and the cause, never the values.
 */
export function withoutQueryParams(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => withoutQueryParams(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "params" || k === "parameters") continue;
    out[k] = typeof v === "string" ? v.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "\nparams: [redacted]") : withoutQueryParams(v, depth + 1);
  }
  return out;
}
type WithLogger = typeof globalThis & { [key]?: pino.Logger };

/**
 * One JSON logger per process (shared by the custom server and the Next bundle through
 * globalThis). Secrets never reach it: the redact list covers every field that carries one.
 */
export function logger(): pino.Logger {
  const g = globalThis as WithLogger;
  g[key] ??= pino({
    name: "flotilla",
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    serializers: { err: (e: Error) => withoutQueryParams(pino.stdSerializers.err(e)) },
    redact: {
      paths: [
        "password",
        "*.password",
        "passwordHash",
        "*.passwordHash",
        "token",
        "*.token",
        "headers.authorization",
        "headers.cookie",
      ],
      censor: "[redacted]",
    },
  });
  return g[key];
}
