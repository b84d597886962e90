import { queryOptions, useQuery } from "@tanstack/react-query";
import type { PreviewResult, Proposal } from "@/lib/update/preview";
import { postJson } from "./api";

export type { PreviewResult, Proposal };

export const previewKeys = {
  all: ["preview"] as const,
  of: (change: Proposal) => ["preview", change] as const,
};

/** The blast radius of a proposed change (POST /api/v1/preview); null = nothing to preview yet. */
export const previewQuery = (change: Proposal) =>
  queryOptions({ queryKey: previewKeys.of(change), queryFn: () => postJson<PreviewResult>("/api/v1/preview", { change }), staleTime: 10_000 });

/** For confirm dialogs: previews `change` while it is set. */
export function usePreview(change: Proposal | null) {
  return useQuery({ ...previewQuery(change ?? { kind: "unpin", pinId: "00000000-0000-4000-8000-000000000000" }), enabled: change !== null });
}
