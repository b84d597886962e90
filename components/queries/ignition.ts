import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { ConfigFormat } from "@/lib/ignition/compile";
import { apiFetch, postJson } from "./api";

export interface ConfigSummary {
  id: string;
  description: string;
  latestVersion: number;
  publishedVersion: number | null;
  updatedAt: string;
}
export interface VersionSummary {
  version: number;
  format: ConfigFormat;
  specVersion: string | null;
  /** sha512 hex of what `mergePath` serves; null when it serves nothing (variables, secrets). */
  sha512: string | null;
  draft: boolean;
  authorEmail: string;
  message: string;
  restoredFrom: number | null;
  createdAt: string;
}
export interface Assignment {
  id: string;
  name: string;
  configId: string;
  version: number | null;
  selectors: Record<string, string>;
  variables: Record<string, string>;
}
/** Where an assignment serves its current version; URLs only for editors (capabilities). */
export interface AssignmentServing {
  version: number | null;
  bootPath: string | null;
  path: string | null;
  sha512: string | null;
  problem: string | null;
}
export interface DetailVersion extends VersionSummary {
  mergePath: string | null;
  variables: string[];
  secrets: string[];
}
export interface ConfigDetail extends ConfigSummary {
  versions: DetailVersion[];
  assignments: Array<Assignment & { served: AssignmentServing }>;
  usage: Array<{ version: number; fetches: number; hosts: number }>;
}
export interface ConfigVersion extends VersionSummary {
  configId: string;
  source: string | null;
  rendered: string | null;
  redacted: boolean;
}
export interface Fetch {
  id: number;
  at: string;
  configId: string;
  version: number;
  sha512: string;
  clientAddr: string | null;
  url: string;
}

export const ignitionKeys = {
  all: ["ignition"] as const,
  configs: () => [...ignitionKeys.all, "configs"] as const,
  config: (id: string) => [...ignitionKeys.all, "config", id] as const,
  version: (id: string, v: number) => [...ignitionKeys.all, "config", id, "v", v] as const,
  diff: (id: string, from: number, to: number) => [...ignitionKeys.all, "config", id, "diff", from, to] as const,
  fetches: (hostId: string) => [...ignitionKeys.all, "fetches", hostId] as const,
};

const base = (id: string) => `/api/v1/ignition/configs/${encodeURIComponent(id)}`;

export const configsQuery = () => queryOptions({ queryKey: ignitionKeys.configs(), queryFn: () => apiFetch<{ items: ConfigSummary[] }>("/api/v1/ignition/configs") });
export const configQuery = (id: string) => queryOptions({ queryKey: ignitionKeys.config(id), queryFn: () => apiFetch<ConfigDetail>(base(id)) });
export const configVersionQuery = (id: string, v: number) =>
  queryOptions({ queryKey: ignitionKeys.version(id, v), queryFn: () => apiFetch<ConfigVersion>(`${base(id)}/versions/${v}`), staleTime: Infinity });
export const diffQuery = (id: string, from: number, to: number) =>
  queryOptions({ queryKey: ignitionKeys.diff(id, from, to), queryFn: () => apiFetch<{ diff: string }>(`${base(id)}/diff?from=${from}&to=${to}`), staleTime: Infinity });
export const hostFetchesQuery = (hostId: string) =>
  queryOptions({ queryKey: ignitionKeys.fetches(hostId), queryFn: () => apiFetch<{ items: Fetch[] }>(`/api/v1/hosts/${hostId}/ignition-fetches`), refetchInterval: 5_000 });

export function useCreateConfig() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; format: ConfigFormat; source: string; message: string; description: string }) => postJson<VersionSummary>("/api/v1/ignition/configs", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.configs() }),
  });
}

export function useSaveVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { format: ConfigFormat; source: string; message: string; draft: boolean }) => postJson<VersionSummary>(`${base(id)}/versions`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.config(id) }),
  });
}

export function useRestoreVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => postJson<VersionSummary>(`${base(id)}/restore`, { version }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.config(id) }),
  });
}

export function usePublishVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => postJson<{ status: "published" | "awaiting_approval"; version: number; approvalsRequired?: number }>(`${base(id)}/publish`, { version }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.all }),
  });
}

export function useCreateAssignment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; configId: string; version: number | null; selectors: Record<string, string>; variables: Record<string, string> }) => postJson<Assignment>("/api/v1/ignition/assignments", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.all }),
  });
}

export function useDeleteAssignment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/ignition/assignments/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ignitionKeys.all }),
  });
}
