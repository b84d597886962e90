import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { HistoryEvent } from "@/db/queries/history";
import type { RetentionRun } from "@/db/queries/retention";
import type { StackedPoint } from "@/lib/history/charts";
import { apiFetch, LIVE_INTERVAL_MS } from "./api";

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type HistoryItem = Json<HistoryEvent> & { hostname: string | null };

export interface HostsOnVersion {
  version: string;
  from: string;
  to: string;
  total: number;
  hosts: Array<{ id: string; hostname: string; groupId: string; currentVersion: string }>;
}

export interface HistoryCharts {
  from: string;
  to: string;
  versions: { bucket: "hour" | "day"; versions: string[]; points: StackedPoint[] };
  activity: { bucket: "hour" | "day"; points: Array<{ bucket: string; updates: number; failures: number; rollbacks: number; enrolled: number }> };
  byState: Array<{ key: string; count: number }>;
}

export interface RetentionStatus {
  retentionDays: number;
  partitions: number;
  oldest: string | null;
  lastRun: Json<RetentionRun> | null;
}

export const historyKeys = {
  all: ["history"] as const,
  list: (filters: string) => [...historyKeys.all, "list", filters] as const,
  onVersion: (q: string) => [...historyKeys.all, "on-version", q] as const,
  charts: (q: string) => [...historyKeys.all, "charts", q] as const,
  retention: () => [...historyKeys.all, "retention"] as const,
};

/** `filters` is the history's URL query string (without cursor). */
export const historyListQuery = (filters: string) =>
  infiniteQueryOptions({
    queryKey: historyKeys.list(filters),
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(filters);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<{ items: HistoryItem[]; nextCursor: string | null }>(`/api/v1/history?${params.toString()}`);
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const hostsOnVersionQuery = (q: string) =>
  queryOptions({
    queryKey: historyKeys.onVersion(q),
    queryFn: () => apiFetch<HostsOnVersion>(`/api/v1/history/hosts-on-version?${q}`),
    enabled: q !== "",
  });

// Rollups move with every report; a chart a minute behind is fine and costs the server little.
export const historyChartsQuery = (q = "") =>
  queryOptions({
    queryKey: historyKeys.charts(q),
    queryFn: () => apiFetch<HistoryCharts>(`/api/v1/history/charts${q ? `?${q}` : ""}`),
    refetchInterval: LIVE_INTERVAL_MS * 15,
  });

export const retentionQuery = () =>
  queryOptions({
    queryKey: historyKeys.retention(),
    queryFn: () => apiFetch<RetentionStatus>("/api/v1/history/retention"),
  });
