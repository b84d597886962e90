import pino from "pino";

const key = Symbol.for("flotilla.logger");
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
