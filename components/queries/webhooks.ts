import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type { DeliveryRow, WebhookSummary } from "@/db/queries/webhooks";
import type { NewWebhookSchema, WebhookPatchSchema } from "@/lib/webhooks/schemas";
import { apiFetch, LIVE_INTERVAL_MS, postJson } from "./api";

// Wire shapes: dates arrive as ISO strings.
type Wire<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type Webhook = Wire<WebhookSummary>;
export type Delivery = Wire<DeliveryRow>;

export const webhookKeys = {
  all: ["webhooks"] as const,
  deliveries: (id: string) => ["webhooks", id, "deliveries"] as const,
};

export const webhooksQuery = () => queryOptions({ queryKey: webhookKeys.all, queryFn: () => apiFetch<{ items: Webhook[] }>("/api/v1/webhooks"), refetchInterval: LIVE_INTERVAL_MS });

export const deliveriesQuery = (id: string) =>
  queryOptions({
    queryKey: webhookKeys.deliveries(id),
    queryFn: () => apiFetch<{ items: Delivery[] }>(`/api/v1/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`),
    refetchInterval: LIVE_INTERVAL_MS,
  });

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: z.input<typeof NewWebhookSchema>) => postJson<{ webhook: Webhook; secret: string }>("/api/v1/webhooks", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: z.input<typeof WebhookPatchSchema> }) => postJson<Webhook>(`/api/v1/webhooks/${encodeURIComponent(id)}`, patch, "PATCH"),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiFetch<{ ok: true }>(`/api/v1/webhooks/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.all }),
  });
}

export function useTestWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => postJson<Delivery>(`/api/v1/webhooks/${encodeURIComponent(id)}/test`, {}),
    onSuccess: (_d, id) => qc.invalidateQueries({ queryKey: webhookKeys.deliveries(id) }),
  });
}

export function useRedeliver(subscriptionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: number) => postJson<Delivery>(`/api/v1/webhooks/deliveries/${deliveryId}/redeliver`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhookKeys.deliveries(subscriptionId) }),
  });
}
