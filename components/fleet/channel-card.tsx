"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { channelHistoryQuery, usePauseChannel, useSetChannelTarget, type Release } from "../queries/catalog";
import type { Channel } from "../queries/fleet";
import { useCan } from "../session-context";
import { ErrorText, inputClass } from "../ui/form";
import { Time } from "../ui/time";

function ChannelHistory({ channelId }: { channelId: string }) {
  const [open, setOpen] = useState(false);
  const q = useQuery({ ...channelHistoryQuery(channelId), enabled: open });
  if (!open) {
    return (
      <button type="button" className="text-xs underline" onClick={() => setOpen(true)}>
        History
      </button>
    );
  }
  return (
    <ul aria-label={`History of ${channelId}`} className="space-y-0.5 text-xs text-slate-600">
      {q.data?.items.map((e) => (
        <li key={e.id}>
          <Time iso={e.at} /> · {e.actor} · {e.action.replace("channel.", "")}
          {e.after?.targetVersion ? ` → ${e.after.targetVersion}` : ""}
          {e.reason ? ` · “${e.reason}”` : ""}
        </li>
      ))}
      {q.data?.items.length === 0 ? <li>No changes yet.</li> : null}
    </ul>
  );
}

/** One channel: its target release, throttled rollout and pause state, with the controls. */
export function ChannelCard({ channel, releases }: { channel: Channel; releases: Release[] }) {
  const canWrite = useCan("fleet:write");
  const setTarget = useSetChannelTarget();
  const pause = usePauseChannel();
  const own = releases.filter((r) => (r.channelIds ?? [r.channelId]).includes(channel.id));
  const versions = [...new Map(own.map((r) => [r.version, r])).values()];
  const target = releases.find((r) => r.id === channel.targetReleaseId);
  const [form, setForm] = useState({ releaseId: channel.targetReleaseId ?? "", minutes: "0" });
  const [reason, setReason] = useState("");

  return (
    <li className="space-y-2 py-3" aria-label={`Channel ${channel.id}`}>
      <div className="flex flex-wrap items-baseline gap-2">
        <span className="font-medium">{channel.id}</span>
        <span className="text-xs text-slate-500">{channel.osFamily}</span>
        <span className="text-sm">→ {target ? target.version : <span className="text-slate-400">no target</span>}</span>
        {channel.paused ? <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800">paused: {channel.pausedReason}</span> : null}
        {channel.rolloutStartedAt && channel.rolloutDurationMinutes > 0 ? (
          <span className="text-xs text-slate-500">
            throttled over {channel.rolloutDurationMinutes} min from <Time iso={channel.rolloutStartedAt} />
          </span>
        ) : null}
      </div>
      {canWrite ? (
        <div className="flex flex-wrap items-end gap-2 text-sm">
          <label className="text-xs text-slate-600">
            Target release
            <select className={inputClass} value={form.releaseId} onChange={(e) => setForm({ ...form, releaseId: e.target.value })}>
              <option value="">(none)</option>
              {versions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.version}
                </option>
              ))}
            </select>
          </label>
          <label className="text-xs text-slate-600">
            Spread over minutes
            <input className={`${inputClass} w-24`} inputMode="numeric" value={form.minutes} onChange={(e) => setForm({ ...form, minutes: e.target.value })} />
          </label>
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1"
            onClick={() => setTarget.mutate({ channelId: channel.id, releaseId: form.releaseId || null, rolloutDurationMinutes: Number(form.minutes) || 0, rolloutStartValue: 0, reason: "", expectedUpdatedAt: channel.updatedAt })}
          >
            Set target
          </button>
          <label className="text-xs text-slate-600">
            Reason
            <input className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="required to pause or resume" />
          </label>
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1"
            onClick={() => pause.mutate({ channelId: channel.id, paused: !channel.paused, reason, expectedUpdatedAt: channel.updatedAt }, { onSuccess: () => setReason("") })}
          >
            {channel.paused ? "Resume" : "Pause"}
          </button>
        </div>
      ) : null}
      <ErrorText error={setTarget.error ?? pause.error} />
      <ChannelHistory channelId={channel.id} />
    </li>
  );
}
