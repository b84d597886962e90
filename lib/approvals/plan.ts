import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/hash-chain";

/** The hash an approval is bound to: any change to the plan gives another hash. */
export function planHash(plan: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(plan)).digest("hex");
}

export interface Vote {
  userId: string;
  decision: "approve" | "reject";
}

export type VoteRefusal = "not_interactive" | "not_pending" | "own_request" | "already_voted" | "plan_changed";

/** Why a user may not vote on a request, or null when they may. */
export function voteRefusal(
  request: { status: string; requestedBy: string | null; plan: Record<string, unknown>; planHash: string },
  votes: readonly Vote[],
  userId: string,
  /**
   * A vote is a person's act, cast in their own signed-in session. API tokens never vote: an
   * admin can mint a token for any user, so a token vote would let one admin be N approvers.
   */
  via: "session" | "api_token" | "system",
): VoteRefusal | null {
  if (via !== "session") return "not_interactive";
  if (request.status !== "pending") return "not_pending";
  // Four eyes: whoever asked cannot be one of the approvers.
  if (request.requestedBy === userId) return "own_request";
  if (votes.some((v) => v.userId === userId)) return "already_voted";
  if (planHash(request.plan) !== request.planHash) return "plan_changed";
  return null;
}

/** The request's state after its votes: one rejection rejects, N approvals approve. */
export function outcome(votes: readonly Vote[], required: number): "pending" | "approved" | "rejected" {
  if (votes.some((v) => v.decision === "reject")) return "rejected";
  return votes.filter((v) => v.decision === "approve").length >= required ? "approved" : "pending";
}
