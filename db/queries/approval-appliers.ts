import { AppError } from "@/lib/errors";
import type { Applier } from "./approvals";
import { applyApprovedPublish } from "./ignition";

/** What an approved request of each kind does. Rollouts register here too. */
export function applierFor(subjectType: string): Applier {
  if (subjectType === "ignition_publish") return applyApprovedPublish;
  return () => Promise.reject(new AppError("conflict", `no way to apply an approved ${subjectType}`));
}
