import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { AuditContent } from "@/lib/audit/hash-chain";
import { apiFetch, postJson } from "./api";

export interface User {
  id: string;
  email: string;
  name: string;
  role: "viewer" | "operator" | "approver" | "admin";
  disabledAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}
export interface TokenInfo {
  id: string;
  name: string;
  hint: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  userEmail?: string;
}
export type AuditRow = AuditContent & { id: number };

export const adminKeys = {
  users: ["admin", "users"] as const,
  enrollmentTokens: ["admin", "enrollment-tokens"] as const,
  apiTokens: ["admin", "api-tokens"] as const,
  audit: (filter: string) => ["audit", filter] as const,
  auditVerify: ["audit", "verify"] as const,
};

export const usersQuery = () => queryOptions({ queryKey: adminKeys.users, queryFn: () => apiFetch<{ items: User[] }>("/api/v1/users") });
export const enrollmentTokensQuery = () =>
  queryOptions({ queryKey: adminKeys.enrollmentTokens, queryFn: () => apiFetch<{ items: TokenInfo[] }>("/api/v1/enrollment-tokens") });
export const apiTokensQuery = () =>
  queryOptions({ queryKey: adminKeys.apiTokens, queryFn: () => apiFetch<{ items: TokenInfo[] }>("/api/v1/api-tokens") });
export const auditQuery = (filter: string) =>
  queryOptions({
    queryKey: adminKeys.audit(filter),
    queryFn: () => apiFetch<{ items: AuditRow[]; nextCursor: string | null }>(`/api/v1/audit?${filter}`),
    refetchInterval: 5_000,
  });
export const auditVerifyQuery = () =>
  queryOptions({
    queryKey: adminKeys.auditVerify,
    queryFn: () => apiFetch<{ ok: boolean; rows: number; brokenAt?: number; problem?: string }>("/api/v1/audit/verify"),
  });

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; name: string; password: string; role: User["role"] }) => postJson<User>("/api/v1/users", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; role?: User["role"]; disabled?: boolean }) => postJson<User>(`/api/v1/users/${id}`, patch, "PATCH"),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.users }),
  });
}

export function useCreateEnrollmentToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; expiresInDays: number | null }) => postJson<TokenInfo & { token: string }>("/api/v1/enrollment-tokens", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.enrollmentTokens }),
  });
}

export function useRevokeEnrollmentToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/enrollment-tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.enrollmentTokens }),
  });
}

export function useCreateApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; userId: string; expiresInDays: number | null }) => postJson<TokenInfo & { token: string }>("/api/v1/api-tokens", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.apiTokens }),
  });
}

export function useRevokeApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch(`/api/v1/api-tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: adminKeys.apiTokens }),
  });
}
