import path from "node:path";
import type { Env } from "@/lib/config/env";
import type { SyncConfig } from "./release-sync";

/**
 * Release sync settings from the environment. Mirrored payloads need the URL hosts reach
 * Flotilla at (FLOTILLA_MIRROR_BASE_URL, else FLOTILLA_PUBLIC_URL, else this server's own URL).
 */
export function syncConfig(env: Env, listenUrl: string): SyncConfig & { mirrorDir: string } {
  const mirrorDir = path.resolve(env.FLOTILLA_MIRROR_DIR ?? path.join(env.FLOTILLA_DATA_DIR, "payloads"));
  const baseUrl = env.FLOTILLA_MIRROR_BASE_URL ?? env.FLOTILLA_PUBLIC_URL ?? listenUrl;
  const timeoutMs = env.FLOTILLA_SYNC_TIMEOUT_SECONDS * 1000;
  return {
    retryBaseSeconds: env.FLOTILLA_SYNC_RETRY_SECONDS,
    timeoutMs,
    mirrorDir,
    mirror: baseUrl ? { dir: mirrorDir, baseUrl, timeoutMs: timeoutMs * 60 } : null,
  };
}
