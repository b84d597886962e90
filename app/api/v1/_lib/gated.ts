import { isGateHold, type GateHold } from "@/db/queries/change-gate";

/**
 * A gated change either happened (the route's own answer) or waits for approval: 202 with the
 * request id, the approvals needed and the approval-required groups it reaches.
 */
export function gatedResponse<T>(result: T | GateHold, done: (r: T) => Response | unknown): Response | unknown {
  return isGateHold(result) ? Response.json(result, { status: 202 }) : done(result);
}
