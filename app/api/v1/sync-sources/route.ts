import { createSyncSource, listSyncSources } from "@/db/queries/sync";
import { NewSyncSourceSchema } from "@/lib/operator/sync-schemas";
import { route } from "../_lib/handler";

/** Sync sources with their state: last run, next run, what was added, the last error. */
export const GET = route({ permission: "fleet:read" }, async ({ db }) => ({ items: await listSyncSources(db) }));

export const POST = route({ permission: "fleet:write" }, async ({ db, actor, body }) => Response.json(await createSyncSource(db, actor, await body(NewSyncSourceSchema)), { status: 201 }));
