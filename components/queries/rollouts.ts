import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Blocker, Eta } from "@/lib/rollout/blockers";
import type { StoppedBy } from "@/lib/rollout/hold-reasons";
import type { JsonReadiness, RolloutHostState, RolloutPlan, RolloutStatus, StateCounts } from "@/lib/rollout/rollout";
import { apiFetch, LIVE_INTERVAL_MS, postJson } from "./api";

export interface Rollout {
  id: string;
  groupId: string;
  channelId: string | null;
  releaseId: string | null;
  version: string;
  fromVersion: string | null;
  status: RolloutStatus;
  plan: RolloutPlan;
  phaseIndex: number;
  phaseStartedAt: string | null;
  cutoffs: number[];
  fleetSize: number;
  stoppedBy: StoppedBy | null;
  evaluation: { at: string; phaseIndex: number; readiness: JsonReadiness } | null;
  approvalRequestId: string | null;
  approvedBy: string[] | null;
  createdBy: string;
  reason: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RolloutProgress {
  rollout: Rollout;
  counts: StateCounts;
  stuck: Array<{ hostId: string; hostname: string | null; state: RolloutHostState; progressAt: string; errorCode: string | null }>;
  failures: Array<{ errorCode: string | null; n: number; example: string | null; hosts: string[] }>;
  events: Array<{ id: number; at: string; kind: string; actor: string; detail: Record<string, unknown> }>;
  offeredPerPhase: Record<string, number>;
  /** Why the rollout cannot move, each with its hosts and who set it; the ETA allowing for them. */
  blockers: Blocker[];
  eta: Eta;
}

export const rolloutKeys = {
  all: ["rollouts"] as const,
  list: (filter: string) => ["rollouts", "list", filter] as const,
  one: (id: string) => ["rollouts", "one", id] as const,
};

export const rolloutsQuery = (filter = "") =>
  queryOptions({
    queryKey: rolloutKeys.list(filter),
    queryFn: () => apiFetch<{ rollouts: Array<Rollout & { counts: StateCounts }> }>(`/api/v1/rollouts${filter ? `?${filter}` : ""}`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export const rolloutQuery = (id: string) =>
  queryOptions({ queryKey: rolloutKeys.one(id), queryFn: () => apiFetch<RolloutProgress>(`/api/v1/rollouts/${id}`), refetchInterval: LIVE_INTERVAL_MS });

export function useCreateRollout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { groupId: string; releaseId?: string | null; reason: string }) => postJson<Rollout>("/api/v1/rollouts", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: rolloutKeys.all }),
  });
}

export function useRolloutAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { action: "pause" | "resume" | "advance" | "abort"; reason: string; expectedUpdatedAt: string }) => postJson<Rollout>(`/api/v1/rollouts/${id}/actions`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: rolloutKeys.all }),
  });
}
