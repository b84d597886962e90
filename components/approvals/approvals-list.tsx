"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { approvalsQuery, useVote, type ApprovalRequest } from "../queries/approvals";
import { useCan, useSession } from "../session-context";
import { ErrorText, inputClass } from "../ui/form";
import { Time } from "../ui/time";
import type { PreviewResult } from "../queries/preview";
import { PreviewSummary } from "./preview-summary";

const STATUS_STYLE: Record<ApprovalRequest["status"], string> = {
  pending: "bg-amber-100 text-amber-800",
  approved: "bg-green-100 text-green-800",
  rejected: "bg-red-100 text-red-800",
  void: "bg-slate-100 text-slate-600",
};

function isPreview(x: unknown): x is PreviewResult {
  return typeof x === "object" && x !== null && Array.isArray((x as { outcomes?: unknown }).outcomes);
}

function withoutPreview(plan: Record<string, unknown>): Record<string, unknown> {
  const { preview: _preview, ...rest } = plan;
  return rest;
}

function RequestCard({ r }: { r: ApprovalRequest }) {
  const session = useSession();
  const canApprove = useCan("rollout:approve");
  const vote = useVote();
  const [comment, setComment] = useState("");
  const own = r.requestedByEmail === session.email;
  const voted = r.votes.some((v) => v.userEmail === session.email);
  const approvals = r.votes.filter((v) => v.decision === "approve").length;
  return (
    <li aria-label={`Approval request ${r.subjectId}`} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-1.5 text-xs ${STATUS_STYLE[r.status]}`}>{r.status}</span>
        <span className="font-medium">
          {r.subjectType === "rollout" ? (
            <Link className="text-brand underline" href={`/rollouts/${r.subjectId}`}>
              Rollout of {String(r.plan.version)} to group {String(r.plan.groupId)}
            </Link>
          ) : (
            <>
              {r.subjectType === "ignition_publish" ? "Publish Ignition config" : r.subjectType === "change" ? "Change" : r.subjectType} {r.subjectId}
            </>
          )}
        </span>
        <span className="text-sm text-slate-500">
          requested by {r.requestedByEmail} · <Time iso={r.createdAt} /> · {approvals}/{r.approvalsRequired} approvals
        </span>
      </div>
      {r.reason ? <p className="text-sm">“{r.reason}”</p> : null}
      {isPreview(r.plan.preview) ? <PreviewSummary preview={r.plan.preview} title="Blast radius once approved" /> : null}
      <pre className="rounded bg-slate-50 p-2 text-xs">{JSON.stringify(withoutPreview(r.plan), null, 2)}</pre>
      <p className="font-mono text-xs text-slate-400">plan {r.planHash.slice(0, 16)}…</p>
      <ul className="text-sm">
        {r.votes.map((v) => (
          <li key={v.userEmail}>
            {v.decision === "approve" ? "✓" : "✗"} {v.userEmail}: {v.comment}
          </li>
        ))}
      </ul>
      {r.status === "pending" && (own || canApprove) ? (
        own ? (
          <p className="text-sm text-slate-500">You requested this change: another approver must decide.</p>
        ) : voted ? (
          <p className="text-sm text-slate-500">You have voted.</p>
        ) : (
          <div className="flex flex-wrap items-center gap-2">
            <input className={`${inputClass} max-w-md`} aria-label="Comment" placeholder="Comment (required)" value={comment} onChange={(e) => setComment(e.target.value)} />
            <button type="button" className="rounded bg-green-700 px-3 py-1.5 text-sm text-white disabled:opacity-50" disabled={!comment.trim()} onClick={() => vote.mutate({ id: r.id, decision: "approve", comment })}>
              Approve
            </button>
            <button type="button" className="rounded bg-red-700 px-3 py-1.5 text-sm text-white disabled:opacity-50" disabled={!comment.trim()} onClick={() => vote.mutate({ id: r.id, decision: "reject", comment })}>
              Reject
            </button>
          </div>
        )
      ) : null}
      <ErrorText error={vote.error} />
    </li>
  );
}

export function ApprovalsList() {
  const q = useQuery(approvalsQuery());
  return (
    <div className="space-y-3">
      <ErrorText error={q.error} />
      {q.data?.items.length === 0 ? <p className="text-sm text-slate-500">No approval requests.</p> : null}
      <ul className="space-y-3">
        {q.data?.items.map((r) => (
          <RequestCard key={r.id} r={r} />
        ))}
      </ul>
    </div>
  );
}
