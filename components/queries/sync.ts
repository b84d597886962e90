import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { SyncAdded, SyncKind } from "@/lib/sync/types";
import { apiFetch, LIVE_INTERVAL_MS, postJson } from "./api";
import { catalogKeys, type Release } from "./catalog";

export interface SyncRun {
  id: number;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  added: SyncAdded[];
  error: string | null;
}

export interface SyncSource {
  id: string;
  kind: SyncKind;
  channelId: string;
  arch: string;
  upstreamUrl: string;
  graphUrl: string | null;
  upstreamChannel: string;
  enabled: boolean;
  intervalMinutes: number;
  mirror: boolean;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  lastError: string | null;
  failures: number;
  lastAdded: SyncAdded[];
  recentRuns: SyncRun[];
}

export const syncKeys = { sources: ["sync", "sources"] as const };

export const syncSourcesQuery = () =>
  queryOptions({ queryKey: syncKeys.sources, queryFn: () => apiFetch<{ items: SyncSource[] }>("/api/v1/sync-sources"), refetchInterval: LIVE_INTERVAL_MS });

export function useCreateSyncSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Record<string, unknown>) => postJson<SyncSource>("/api/v1/sync-sources", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: syncKeys.sources }),
  });
}

export function useUpdateSyncSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; enabled?: boolean; mirror?: boolean; intervalMinutes?: number }) => postJson<SyncSource>(`/api/v1/sync-sources/${encodeURIComponent(id)}`, patch, "PATCH"),
    onSuccess: () => qc.invalidateQueries({ queryKey: syncKeys.sources }),
  });
}

export function useDeleteSyncSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/sync-sources/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: syncKeys.sources }),
  });
}

export function useRunSyncSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => postJson<{ ok: boolean; added: SyncAdded[]; error: string | null }>(`/api/v1/sync-sources/${encodeURIComponent(id)}/run`, {}),
    onSettled: async () => {
      await qc.invalidateQueries({ queryKey: syncKeys.sources });
      await qc.invalidateQueries({ queryKey: catalogKeys.releases });
    },
  });
}

export function usePromoteRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: { id: string; channelId: string; reason: string }) => postJson<Release>(`/api/v1/releases/${id}/promote`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.releases }),
  });
}

export function useMirrorRelease() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => postJson<Release>(`/api/v1/releases/${id}/mirror`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: catalogKeys.releases }),
  });
}
