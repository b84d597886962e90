import { AppError } from "@/lib/errors";
import type { Applier, Rejecter } from "./approvals";
import { applyApprovedChange } from "./change-appliers";
import { applyApprovedPublish } from "./ignition";
import { applyApprovedRollout, rejectRollout } from "./rollouts";

/** What an approved request of each kind does. */
export function applierFor(subjectType: string): Applier {
  if (subjectType === "ignition_publish") return applyApprovedPublish;
  if (subjectType === "rollout") return applyApprovedRollout;
  // Every other change that reaches an approval-required group (db/queries/change-gate.ts).
  if (subjectType === "change") return applyApprovedChange;
  return () => Promise.reject(new AppError("conflict", `no way to apply an approved ${subjectType}`));
}

/** What a rejection does to its subject, where it does anything (a rejected publication just stays unpublished). */
export function rejecterFor(subjectType: string): Rejecter | undefined {
  return subjectType === "rollout" ? rejectRollout : undefined;
}
