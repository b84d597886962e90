"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Release } from "../queries/catalog";
import { channelsQuery } from "../queries/fleet";
import { useMirrorRelease, usePromoteRelease } from "../queries/sync";
import { ErrorText } from "../ui/form";

/** Offer a release in another channel of its family (alpha → beta → stable), with a reason. */
export function PromoteButton({ release }: { release: Release }) {
  const channels = useQuery(channelsQuery());
  const promote = usePromoteRelease();
  const [open, setOpen] = useState(false);
  const [channelId, setChannelId] = useState("");
  const [reason, setReason] = useState("");
  const offered = release.channelIds ?? (release.channelId ? [release.channelId] : []);
  const targets = (channels.data?.items ?? []).filter((c) => c.osFamily === release.osFamily && !offered.includes(c.id));
  if (!targets.length) return null;
  if (!open) {
    return (
      <button type="button" className="ml-2 underline" onClick={() => setOpen(true)} aria-label={`Promote ${release.version} ${release.arch}`}>
        Promote
      </button>
    );
  }
  return (
    <span className="ml-2 inline-flex flex-wrap items-center gap-1">
      <select aria-label={`Promote ${release.version} ${release.arch} to channel`} className="rounded border border-slate-300 px-1" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
        <option value="">channel…</option>
        {targets.map((c) => (
          <option key={c.id} value={c.id}>
            {c.id}
          </option>
        ))}
      </select>
      <input aria-label={`Promotion reason for ${release.version} ${release.arch}`} className="rounded border border-slate-300 px-1" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason" />
      <button type="button" className="underline" disabled={!channelId || promote.isPending} onClick={() => promote.mutate({ id: release.id, channelId, reason }, { onSuccess: () => setOpen(false) })}>
        Promote to {channelId || "…"}
      </button>
      <ErrorText error={promote.error} />
    </span>
  );
}

/** Download, verify and serve a Flatcar payload from Flotilla. */
export function MirrorButton({ release }: { release: Release }) {
  const mirror = useMirrorRelease();
  if (release.osFamily !== "flatcar" || !release.payloadUrl || release.payloadUrl.includes("/v1/payloads/")) return null;
  return (
    <span className="ml-2">
      <button type="button" className="underline" disabled={mirror.isPending} onClick={() => mirror.mutate(release.id)} aria-label={`Mirror ${release.version} ${release.arch}`}>
        {mirror.isPending ? "Mirroring…" : "Mirror"}
      </button>
      <ErrorText error={mirror.error} />
    </span>
  );
}
