import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { approvalRequests, approvalVotes } from "../schema/approvals";
import { appendAudit, type Actor } from "./audit";
import { outcome, planHash, voteRefusal } from "@/lib/approvals/plan";
import { AppError } from "@/lib/errors";

export type ApprovalRequest = typeof approvalRequests.$inferSelect;

/** Carries out an approved request inside the approving transaction. */
export type Applier = (tx: Db, request: ApprovalRequest, approvers: string[]) => Promise<void>;
/** Records a rejection on the subject (a rejected rollout stops), inside the voting transaction. */
export type Rejecter = (tx: Db, request: ApprovalRequest, actor: Actor, comment: string) => Promise<void>;

export interface NewRequest {
  subjectType: string;
  subjectId: string;
  plan: Record<string, unknown>;
  approvalsRequired: number;
  reason: string;
}

/** Opens a request; an open request for the same subject is voided (its plan is outdated). */
export async function requestApproval(tx: Db, actor: Actor, input: NewRequest): Promise<ApprovalRequest> {
  const stale = await tx
    .update(approvalRequests)
    .set({ status: "void", decidedAt: new Date() })
    .where(and(eq(approvalRequests.subjectType, input.subjectType), eq(approvalRequests.subjectId, input.subjectId), eq(approvalRequests.status, "pending")))
    .returning({ id: approvalRequests.id });
  for (const s of stale) {
    await appendAudit(tx, actor, { action: "approval.void", targetType: "approval", targetId: s.id, reason: "superseded by a new request for the same subject" });
  }
  const [row] = await tx
    .insert(approvalRequests)
    .values({ ...input, planHash: planHash(input.plan), requestedBy: actor.userId, requestedByEmail: actor.email })
    .returning();
  await appendAudit(tx, actor, { action: "approval.request", targetType: "approval", targetId: row!.id, after: { subjectType: input.subjectType, subjectId: input.subjectId, plan: input.plan, approvalsRequired: input.approvalsRequired }, reason: input.reason || null });
  return row!;
}

const REFUSAL_TEXT = {
  not_interactive: "approval votes are cast by the approver signed in, not with an API token",
  not_pending: "this request is no longer pending",
  own_request: "you requested this change: someone else must approve it",
  already_voted: "you have already voted on this request",
  plan_changed: "the plan no longer matches what was requested",
} as const;

/**
 * One approver's vote. Enforced here, on the server: the requester cannot approve, nobody votes
 * twice, the plan is the one requested. Reaching N approvals applies the change in the same
 * transaction; a rejection closes the request.
 */
export async function vote(db: Db, actor: Actor, requestId: string, decision: "approve" | "reject", comment: string, apply: (subjectType: string) => Applier, reject?: (subjectType: string) => Rejecter | undefined) {
  return db.transaction(async (tx) => {
    const [request] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, requestId)).for("update");
    if (!request) throw new AppError("not_found", "no such approval request");
    const votes = await tx.select().from(approvalVotes).where(eq(approvalVotes.requestId, requestId));
    const refusal = voteRefusal(request, votes, actor.userId ?? "", actor.via);
    if (refusal) throw new AppError(refusal === "own_request" || refusal === "not_interactive" ? "forbidden" : "conflict", REFUSAL_TEXT[refusal]);
    await tx.insert(approvalVotes).values({ requestId, userId: actor.userId!, userEmail: actor.email, decision, comment, planHash: request.planHash });
    const all = [...votes, { userId: actor.userId!, userEmail: actor.email, decision }];
    const result = outcome(all, request.approvalsRequired);
    await appendAudit(tx, actor, { action: `approval.${decision}`, targetType: "approval", targetId: requestId, after: { subjectType: request.subjectType, subjectId: request.subjectId, planHash: request.planHash, result }, reason: comment });
    if (result !== "pending") {
      const [closed] = await tx.update(approvalRequests).set({ status: result, decidedAt: new Date() }).where(eq(approvalRequests.id, requestId)).returning();
      if (result === "approved") await apply(request.subjectType)(tx, closed!, all.filter((v) => v.decision === "approve").map((v) => v.userEmail));
      else await reject?.(request.subjectType)?.(tx, closed!, actor, comment);
    }
    return { status: result };
  });
}

export async function listApprovals(db: Db, status?: ApprovalRequest["status"]) {
  const requests = await db
    .select()
    .from(approvalRequests)
    .where(status ? eq(approvalRequests.status, status) : undefined)
    .orderBy(asc(approvalRequests.status), desc(approvalRequests.createdAt))
    .limit(200);
  const votes = requests.length ? await db.select().from(approvalVotes).where(inArray(approvalVotes.requestId, requests.map((r) => r.id))) : [];
  return requests.map((r) => ({ ...r, votes: votes.filter((v) => v.requestId === r.id) }));
}
