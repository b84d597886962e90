import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { PinInfo, ReleaseInfo } from "@/lib/update/policy";
import { apiFetch, postJson } from "./api";
import { fleetKeys } from "./fleet";
import type { PinReach } from "@/lib/fleet/pin-reach";

export type Release = ReleaseInfo & { createdAt: string };

export interface RebootSemaphore {
  id: string;
  totalSlots: number;
  holders: Array<{ groupId: string; holderId: string; acquiredAt: string; clientAddr: string | null }>;
}

export const catalogKeys = {
  releases: ["catalog", "releases"] as const,
  fleetlock: ["catalog", "fleetlock"] as const,
};

export const releasesQuery = () => queryOptions({ queryKey: catalogKeys.releases, queryFn: () => apiFetch<{ items: Release[] }>("/api/v1/releases") });
export const fleetLockQuery = () =>
  queryOptions({ queryKey: catalogKeys.fleetlock, queryFn: () => apiFetch<{ items: RebootSemaphore[] }>("/api/v1/fleetlock"), refetchInterval: 3_000 });

export function useCreateRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Record<string, unknown>) => postJson<Release>("/api/v1/releases", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.releases }),
  });
}

export function useImportReleases() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: unknown) => postJson<{ imported: number }>("/api/v1/releases/import", file),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.releases }),
  });
}

export function useSetChannelTarget() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ channelId, ...input }: { channelId: string; releaseId: string | null; rolloutDurationMinutes: number; rolloutStartValue: number; reason: string; expectedUpdatedAt?: string }) =>
      postJson(`/api/v1/channels/${encodeURIComponent(channelId)}/target`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.channels() }),
  });
}

export function usePauseChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ channelId, ...input }: { channelId: string; paused: boolean; reason: string; expectedUpdatedAt?: string }) => postJson(`/api/v1/channels/${encodeURIComponent(channelId)}/pause`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.channels() }),
  });
}

export function useSetRebootSlots() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ group, totalSlots }: { group: string; totalSlots: number }) => postJson(`/api/v1/fleetlock/${encodeURIComponent(group)}`, { totalSlots }, "PUT"),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.fleetlock }),
  });
}

export function useReleaseRebootSlot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ group, holderId, reason }: { group: string; holderId: string; reason: string }) =>
      postJson(`/api/v1/fleetlock/${encodeURIComponent(group)}/release`, { holderId, reason }),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.fleetlock }),
  });
}

export type Pin = Omit<PinInfo, "expiresAt"> & { expiresAt: string | null; createdAt: string; hosts: number; notConverged: number };

export const pinsQuery = () => queryOptions({ queryKey: ["catalog", "pins"] as const, queryFn: () => apiFetch<{ items: Pin[] }>("/api/v1/pins"), refetchInterval: 5_000 });

export function useSetPin() {
  const qc = useQueryClient();
  return useMutation({
    // 202 + an approval request when the pin reaches an approval-required group.
    mutationFn: (input: { scope: "group" | "host"; targetId: string; version: string; reason: string; expiresAt: string | null; replaceRollback?: boolean }) =>
      postJson<(Pin & { reach: PinReach; warnings: string[] }) | AwaitingApproval>("/api/v1/pins", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["catalog", "pins"] }),
  });
}

export function useRemovePin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/pins/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["catalog", "pins"] }),
  });
}

/** Set or clear an FCOS release's OCI image pullspec. */
export function useEditRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ociPullspec, reason }: { id: string; ociPullspec: string | null; reason?: string }) => postJson<Release>(`/api/v1/releases/${id}`, { ociPullspec, reason: reason ?? "" }, "PATCH"),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.releases }),
  });
}

export function useRecallRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason, rollouts }: { id: string; reason: string; rollouts?: "end" | "pause" }) =>
      postJson<{ recalled: number; rollouts: Array<{ id: string; groupId: string; status: string }> }>(`/api/v1/releases/${id}/recall`, { reason, rollouts }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: catalogKeys.releases });
      // Its live rollouts ended (or paused) with it.
      void qc.invalidateQueries({ queryKey: ["rollouts"] });
    },
  });
}

export function useBulkPin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { filter: string; version: string; reason: string; preview: boolean; rollback?: boolean; replaceRollback?: boolean }) =>
      postJson<{ matched: number; pinned: number; rollbacks: number; reach: PinReach | null; warnings: string[] }>("/api/v1/pins/bulk", input),
    onSuccess: (_d, v) => {
      if (!v.preview) void qc.invalidateQueries({ queryKey: ["catalog", "pins"] });
    },
  });
}

export interface ChannelEvent {
  id: number;
  at: string;
  action: string;
  actor: string;
  reason: string | null;
  after: { targetVersion?: string | null; paused?: boolean } | null;
}

export const channelHistoryQuery = (id: string) =>
  queryOptions({ queryKey: ["catalog", "channel-history", id] as const, queryFn: () => apiFetch<{ items: ChannelEvent[] }>(`/api/v1/channels/${encodeURIComponent(id)}/history`) });

/** A change that waits for approval (db/queries/change-gate.ts answers it with 202). */
export interface AwaitingApproval {
  status: "awaiting_approval";
  requestId: string;
  approvalsRequired: number;
  groups: string[];
}
