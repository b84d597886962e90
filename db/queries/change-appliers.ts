import type { Db } from "../client";
import type { Applier } from "./approvals";
import { isGateHold, requesterActor, type GatedChange } from "./change-gate";
import { setFleetPolicy } from "./fleet-policy";
import { updateGroup } from "./groups";
import { createAssignment, deleteAssignment } from "./ignition";
import { bulkPinHosts, removePin, setPin } from "./pins";
import { recallRelease } from "./releases";
import { AppError } from "@/lib/errors";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";

const date = (s: string | null) => (s ? new Date(s) : null);

/** Carries out exactly the change in the plan, as its requester, inside the approving vote's transaction. */
async function apply(tx: Db, change: GatedChange, request: Parameters<Applier>[1]): Promise<unknown> {
  const actor = requesterActor(request);
  switch (change.kind) {
    case "ignition.assign":
      return createAssignment(tx, actor, change.input);
    case "ignition.unassign":
      return deleteAssignment(tx, actor, change.input.id);
    case "pin.set":
      return setPin(tx, actor, { ...change.input, expiresAt: date(change.input.expiresAt) });
    case "pin.remove":
      return removePin(tx, actor, change.input.id, change.input.reason);
    case "pin.bulk": {
      const { filter, expiresAt, ...pin } = change.input;
      return bulkPinHosts(tx, actor, filter, { ...pin, expiresAt: date(expiresAt) }, false);
    }
    case "release.recall":
      return recallRelease(tx, actor, change.input.id, change.input.reason, change.input.rollouts);
    case "group.update": {
      const { policy, ...rest } = change.input.patch;
      return updateGroup(tx, actor, change.input.id, { ...rest, ...(policy === undefined ? {} : { policy: policy === null ? null : GroupPolicySchema.parse(policy) }) });
    }
    case "fleet.policy":
      return setFleetPolicy(tx, actor, { policy: GroupPolicySchema.parse(change.input.policy), reason: change.input.reason });
  }
}

export const applyApprovedChange: Applier = async (tx, request) => {
  const change = (request.plan as { change?: GatedChange }).change;
  if (!change) throw new AppError("conflict", "this approval request holds no change");
  const result = await apply(tx, change, request);
  // The requester acts as `system` here, which the gate lets through; anything else is a bug.
  if (isGateHold(result)) throw new AppError("conflict", "the approved change asked for approval again");
};
