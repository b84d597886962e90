import { acquireUpdateSlot } from "@/db/queries/update-slots";
import type { UpdateDecision } from "@/lib/update/decide";
import type { PolicySnapshot } from "@/lib/update/policy";
import type { AgentDeps } from "./agent-http";

/**
 * The last step before an update is offered: in a group with concurrency or rate limits the
 * host must get an update slot from the database, or it is held with the numbers. Rollbacks
 * are never held back by limits. Costs a query only for limited groups.
 */
export async function gateOffer(deps: AgentDeps, policy: PolicySnapshot, decision: UpdateDecision, host: { id: string; groupId: string }): Promise<UpdateDecision> {
  if (decision.kind !== "offer" || decision.rollback) return decision;
  const limits = policy.groups.get(host.groupId)?.limits;
  if (!limits) return decision;
  const slot = await acquireUpdateSlot(deps.database.db, host.groupId, host.id, decision.release.version, limits);
  return slot.granted ? decision : { kind: "hold", reason: slot.reason, detail: slot.detail };
}
