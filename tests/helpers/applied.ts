import { isGateHold, type GateHold } from "@/db/queries/change-gate";

/** The result of a gated change that must have happened (no approval-required group reached). */
export function applied<T>(result: T | GateHold): T {
  if (isGateHold(result)) throw new Error(`expected the change to apply, but it waits for approval (${result.requestId})`);
  return result;
}
