import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch, LIVE_INTERVAL_MS, postJson } from "./api";
import type { Host, HostReport, Overview, Page } from "./types";

export const fleetKeys = {
  all: ["fleet"] as const,
  overview: () => [...fleetKeys.all, "overview"] as const,
  hostList: (filters: string) => [...fleetKeys.all, "hosts", filters] as const,
  host: (id: string) => [...fleetKeys.all, "host", id] as const,
  history: (id: string) => [...fleetKeys.all, "host", id, "history"] as const,
  failedVersions: (id: string) => [...fleetKeys.all, "host", id, "failed-versions"] as const,
  groups: () => [...fleetKeys.all, "groups"] as const,
  channels: () => [...fleetKeys.all, "channels"] as const,
};

export const overviewQuery = () =>
  queryOptions({
    queryKey: fleetKeys.overview(),
    queryFn: () => apiFetch<Overview>("/api/v1/overview"),
    refetchInterval: LIVE_INTERVAL_MS * 2,
  });

/** `filters` is the URL query string of the host list (without cursor). */
export const hostListQuery = (filters: string) =>
  infiniteQueryOptions({
    queryKey: fleetKeys.hostList(filters),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(filters);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<Page<Host>>(`/api/v1/hosts?${params.toString()}`);
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: LIVE_INTERVAL_MS,
  });

export const hostQuery = (id: string) =>
  queryOptions({
    queryKey: fleetKeys.host(id),
    queryFn: () => apiFetch<Host>(`/api/v1/hosts/${encodeURIComponent(id)}`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export const hostHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: fleetKeys.history(id),
    queryFn: () => apiFetch<Page<HostReport>>(`/api/v1/hosts/${encodeURIComponent(id)}/history?limit=200`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export interface Channel {
  id: string;
  osFamily: string;
  description: string;
  paused: boolean;
  pausedReason: string | null;
  targetReleaseId: string | null;
  rolloutStartedAt: string | null;
  rolloutDurationMinutes: number;
  rolloutStartValue: number;
  updatedAt: string;
}
export interface GroupList {
  groups: Array<{ id: string; description: string; channelId: string | null; requiresApproval: boolean; approvalsRequired: number; policy: Record<string, unknown> | null; labelSelector: Record<string, string> | null; updatedAt: string; hosts: number }>;
  undefinedGroups: Array<{ id: string; hosts: number }>;
}

export const groupsQuery = () => queryOptions({ queryKey: fleetKeys.groups(), queryFn: () => apiFetch<GroupList>("/api/v1/groups") });
export const channelsQuery = () =>
  queryOptions({ queryKey: fleetKeys.channels(), queryFn: () => apiFetch<{ items: Channel[] }>("/api/v1/channels") });

export function useCreateChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; osFamily: string; description: string }) => postJson<Channel>("/api/v1/channels", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.all }),
  });
}

export function useCreateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; description: string; channelId: string | null }) => postJson("/api/v1/groups", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.all }),
  });
}

export function useUpdateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; requiresApproval?: boolean; approvalsRequired?: number; channelId?: string | null; policy?: Record<string, unknown> | null; labelSelector?: Record<string, string> | null; expectedUpdatedAt?: string }) => postJson(`/api/v1/groups/${encodeURIComponent(id)}`, patch, "PATCH"),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.groups() }),
  });
}

export function useRollbackHost(hostId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { reason: string; toVersion?: string; replaceRollback?: boolean }) => postJson<{ manual: string | null }>(`/api/v1/hosts/${hostId}/rollback`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.host(hostId) }),
  });
}

/** A version that failed to boot on a host; blocked there until retried (`retriedAt`). */
export interface FailedVersion {
  hostId: string;
  version: string;
  source: string;
  errorCode: string | null;
  errorMessage: string | null;
  firstFailedAt: string;
  lastFailedAt: string;
  failures: number;
  retriedAt: string | null;
  retriedBy: string | null;
}

export const hostFailedVersionsQuery = (id: string) =>
  queryOptions({
    queryKey: fleetKeys.failedVersions(id),
    queryFn: () => apiFetch<{ items: FailedVersion[] }>(`/api/v1/hosts/${encodeURIComponent(id)}/failed-versions`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export function useRetryFailedVersion(hostId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { version: string; reason: string }) => postJson<FailedVersion>(`/api/v1/hosts/${encodeURIComponent(hostId)}/failed-versions/retry`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: fleetKeys.host(hostId) }),
  });
}
