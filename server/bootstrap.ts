import type { Db } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { countUsers, createFirstAdmin, createSetupToken } from "@/db/queries/users";
import { newToken } from "@/lib/auth/tokens";
import type { Env } from "@/lib/config/env";
import { logger } from "@/lib/log";

/**
 * First start: with FLOTILLA_ADMIN_EMAIL/PASSWORD the first admin is created; without them a
 * one-time setup link is logged. Once any user exists this does nothing.
 */
export async function bootstrapAdmin(db: Db, env: Env, baseUrl: string): Promise<void> {
  if ((await countUsers(db)) > 0) return;
  if (env.FLOTILLA_ADMIN_EMAIL && env.FLOTILLA_ADMIN_PASSWORD) {
    const created = await createFirstAdmin(db, SYSTEM_ACTOR, { email: env.FLOTILLA_ADMIN_EMAIL, name: "Administrator", password: env.FLOTILLA_ADMIN_PASSWORD });
    if (created) logger().info({ email: created.email }, "created the first admin from FLOTILLA_ADMIN_EMAIL");
    return;
  }
  const token = newToken("setup");
  await createSetupToken(db, token);
  const link = `${baseUrl}/setup?token=${encodeURIComponent(token)}`;
  logger().warn({ setupLink: link }, "no users yet: open the setup link to create the first admin (valid 24 h, once)");
  // Also plainly on stderr: the one line a new user must not miss in JSON logs.
  process.stderr.write(`\nFlotilla setup: create the first admin at\n  ${link}\n\n`);
}
