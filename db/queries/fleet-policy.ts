import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { fleetPolicy } from "../schema/fleet-policy";
import { appendAudit, type Actor } from "./audit";
import { gateChange, type GateHold } from "./change-gate";
import { DEFAULT_GROUP_POLICY, GroupPolicySchema, type GroupPolicy } from "@/lib/rollout/policy-schema";

/**
 * The fleet-wide default policy: what every group without a policy of its own follows,
 * including groups nobody defined. The approval rule is never taken from it — that belongs to
 * each group (a group row's own columns).
 */
export async function getFleetPolicy(db: Db): Promise<{ policy: GroupPolicy; updatedBy: string | null; updatedAt: Date | null }> {
  const [row] = await db.select().from(fleetPolicy).where(eq(fleetPolicy.id, 1));
  const parsed = row ? GroupPolicySchema.safeParse(row.policy) : null;
  return { policy: parsed?.success ? parsed.data : DEFAULT_GROUP_POLICY, updatedBy: row?.updatedBy ?? null, updatedAt: row?.updatedAt ?? null };
}

/** Sets the fleet default; approval-required groups that follow it make this wait for approval. */
export async function setFleetPolicy(db: Db, actor: Actor, input: { policy: GroupPolicy; reason: string }): Promise<{ policy: GroupPolicy } | GateHold> {
  return db.transaction(async (tx) => {
    const held = await gateChange(tx, actor, { kind: "fleet.policy", input: { policy: input.policy as unknown as Record<string, unknown>, reason: input.reason } }, input.reason);
    if (held) return held;
    const before = await getFleetPolicy(tx);
    const values = { id: 1, policy: input.policy as unknown as Record<string, unknown>, updatedBy: actor.email, updatedAt: new Date() };
    await tx.insert(fleetPolicy).values(values).onConflictDoUpdate({ target: fleetPolicy.id, set: values });
    await appendAudit(tx, actor, { action: "fleet.policy", targetType: "fleet", targetId: "default-policy", before: before.policy, after: input.policy, reason: input.reason });
    return { policy: input.policy };
  });
}
