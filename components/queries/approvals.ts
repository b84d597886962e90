import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch, postJson } from "./api";

export interface ApprovalVote {
  userEmail: string;
  decision: "approve" | "reject";
  comment: string;
  at: string;
}
export interface ApprovalRequest {
  id: string;
  subjectType: string;
  subjectId: string;
  plan: Record<string, unknown>;
  planHash: string;
  requestedByEmail: string;
  reason: string;
  approvalsRequired: number;
  status: "pending" | "approved" | "rejected" | "void";
  createdAt: string;
  votes: ApprovalVote[];
}

export const approvalsQuery = () =>
  queryOptions({ queryKey: ["approvals"] as const, queryFn: () => apiFetch<{ items: ApprovalRequest[] }>("/api/v1/approvals"), refetchInterval: 3_000 });

export function useVote() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment }: { id: string; decision: "approve" | "reject"; comment: string }) => postJson<{ status: string }>(`/api/v1/approvals/${id}/${decision}`, { comment }),
    onSuccess: () => qc.invalidateQueries(),
  });
}
