"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { groupsQuery } from "../queries/fleet";
import { useCreateRollout } from "../queries/rollouts";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

/** Start a rollout by hand: a group on a channel, to the channel's current target. */
export function NewRolloutForm() {
  const groups = useQuery(groupsQuery());
  const create = useCreateRollout();
  const router = useRouter();
  const [groupId, setGroupId] = useState("");
  const [reason, setReason] = useState("");
  const withChannel = (groups.data?.groups ?? []).filter((g) => g.channelId);
  return (
    <form
      aria-label="New rollout"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ groupId, reason }, { onSuccess: (r) => router.push(`/rollouts/${r.id}`) });
      }}
    >
      <Field label="Group">
        <select className={`${inputClass} w-56`} value={groupId} onChange={(e) => setGroupId(e.target.value)} required>
          <option value="">choose a group…</option>
          {withChannel.map((g) => (
            <option key={g.id} value={g.id}>
              {g.id} ({g.channelId})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Reason">
        <input className={`${inputClass} w-80`} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why now" required />
      </Field>
      <button type="submit" className={buttonClass} disabled={!groupId || !reason.trim() || create.isPending}>
        Start rollout to the channel target
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}
