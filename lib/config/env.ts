import { z } from "zod";
import { roleMapProblem } from "../auth/oidc-roles";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const EnvSchema = z.object({
  // 0 picks a free port (tests).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
  ),
  FLOTILLA_DATA_DIR: z.string().default("./data"),
  // Processes sharing the port (node:cluster); more than one needs DATABASE_URL.
  FLOTILLA_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  FLOTILLA_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  FLOTILLA_ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  FLOTILLA_ADMIN_PASSWORD: optionalString.pipe(z.string().min(10, "at least 10 characters").optional()),
  FLOTILLA_ENROLLMENT_TOKEN: optionalString.pipe(z.string().min(16, "at least 16 characters").optional()),
  FLOTILLA_OMAHA_PATH_TOKEN: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, "8–128 letters, digits, _ or -").optional()),
  // The fleet's path secret: Omaha, the graph and FleetLock are served only under
  // /fleet/<secret>/v1/… (update_engine and Zincati have only a URL to carry it).
  FLOTILLA_AGENT_PATH_TOKEN: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, "16–128 letters, digits, _ or -").optional()),
  // Hosts nobody has seen that Omaha and the graph may enroll per minute (per process); 0: none.
  FLOTILLA_AGENT_NEW_HOSTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  FLOTILLA_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  FLOTILLA_REPORT_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  // Raw host reports are dropped a whole day at a time after this many days; rollups and the
  // audit log are kept.
  FLOTILLA_HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // How often the rollout engine judges running rollouts (0 turns it off in this process).
  FLOTILLA_ROLLOUT_TICK_SECONDS: z.coerce.number().min(0).max(3_600).default(10),
  // How often this process sends due webhook deliveries (0: not in this process).
  FLOTILLA_WEBHOOK_TICK_SECONDS: z.coerce.number().min(0).max(3_600).default(1),
  // Release sync: how often this process looks for due sync sources (0 turns it off here). The
  // sources themselves are off until an operator enables one (Flotilla never calls out unasked).
  FLOTILLA_SYNC_TICK_SECONDS: z.coerce.number().min(0).max(3_600).default(30),
  // First retry after a failed sync run; it doubles with each failure, up to the source's interval.
  FLOTILLA_SYNC_RETRY_SECONDS: z.coerce.number().min(1).max(86_400).default(60),
  // How long one upstream request may take (metadata; payload downloads get 60× this).
  FLOTILLA_SYNC_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3_600).default(30),
  // Where mirrored payloads are stored (default: <FLOTILLA_DATA_DIR>/payloads).
  FLOTILLA_MIRROR_DIR: optionalString,
  // The URL hosts reach Flotilla at, for mirrored payload URLs (default: FLOTILLA_PUBLIC_URL).
  FLOTILLA_MIRROR_BASE_URL: optionalString.pipe(z.url().optional()),
  // A FleetLock reboot slot held longer than this is freed (audited): the host died mid-reboot. 0 = never.
  FLOTILLA_FLEETLOCK_SLOT_TTL_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(120),
  FLOTILLA_SESSION_TTL_HOURS: z.coerce.number().min(0.1).max(24 * 90).default(12),
  FLOTILLA_SECURE_COOKIES: z.enum(["auto", "true", "false"]).default("auto"),
  FLOTILLA_TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  // Single sign-on (OpenID Connect, authorization code + PKCE). Local accounts keep working
  // (break-glass). The redirect URI to register is <FLOTILLA_PUBLIC_URL>/api/v1/auth/oidc/callback.
  FLOTILLA_OIDC_ISSUER: optionalString.pipe(z.url().optional()),
  FLOTILLA_OIDC_CLIENT_ID: optionalString,
  FLOTILLA_OIDC_CLIENT_SECRET: optionalString,
  FLOTILLA_OIDC_SCOPES: z.string().default("openid email profile"),
  // The claim whose values map to roles (a dotted path into the claims, e.g. realm_access.roles).
  FLOTILLA_OIDC_ROLE_CLAIM: z.string().default("groups"),
  // claim value=role pairs, comma-separated; the highest mapped role wins; no match = no access.
  FLOTILLA_OIDC_ROLE_MAP: z.string().default(""),
  FLOTILLA_OIDC_LABEL: z.string().default("single sign-on"),
  // Open connections per process, and per client address (not applied behind a trusted proxy,
  // whose address every connection shares): server/connection-cap.ts.
  FLOTILLA_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(1_000_000).default(10_000),
  FLOTILLA_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

function checkCombinations(e: Env): string[] {
  const problems: string[] = [];
  if (e.FLOTILLA_WORKERS > 1 && !e.DATABASE_URL) problems.push("  FLOTILLA_WORKERS: more than one process needs DATABASE_URL (the embedded database has one opener)");
  if (e.FLOTILLA_OIDC_ISSUER && !e.FLOTILLA_OIDC_CLIENT_ID) problems.push("  FLOTILLA_OIDC_CLIENT_ID: required with FLOTILLA_OIDC_ISSUER");
  if (e.FLOTILLA_OIDC_ISSUER) {
    const bad = roleMapProblem(e.FLOTILLA_OIDC_ROLE_MAP);
    if (bad) problems.push(`  FLOTILLA_OIDC_ROLE_MAP: ${bad}`);
  }
  return problems;
}

/** Parses configuration once; a bad value stops start-up with the variable named. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const problems = checkCombinations(result.data);
  if (problems.length) throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
