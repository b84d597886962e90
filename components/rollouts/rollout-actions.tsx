"use client";

import { useState } from "react";
import type { Rollout } from "../queries/rollouts";
import { useRolloutAction } from "../queries/rollouts";
import { ErrorText, inputClass } from "../ui/form";

const ACTIONS = {
  pause: { label: "Pause", when: ["running"], style: "bg-orange-600" },
  resume: { label: "Resume", when: ["paused"], style: "bg-blue-700" },
  advance: { label: "Advance phase", when: ["running", "paused"], style: "bg-slate-700" },
  abort: { label: "Abort", when: ["awaiting_approval", "running", "paused"], style: "bg-red-700" },
} as const;

/** Pause, resume, advance, abort — each with a reason, sent with the version the operator saw. */
export function RolloutActions({ rollout }: { rollout: Rollout }) {
  const act = useRolloutAction(rollout.id);
  const [reason, setReason] = useState("");
  const available = (Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).filter((a) => (ACTIONS[a].when as readonly string[]).includes(rollout.status));
  if (available.length === 0) return null;
  return (
    <section aria-label="Rollout actions" className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3">
      <input className={`${inputClass} max-w-md`} aria-label="Reason" placeholder="Reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
      {available.map((a) => (
        <button
          key={a}
          type="button"
          className={`rounded px-3 py-1.5 text-sm text-white disabled:opacity-50 ${ACTIONS[a].style}`}
          disabled={!reason.trim() || act.isPending}
          onClick={() => act.mutate({ action: a, reason, expectedUpdatedAt: rollout.updatedAt }, { onSuccess: () => setReason("") })}
        >
          {ACTIONS[a].label}
        </button>
      ))}
      <ErrorText error={act.error} />
    </section>
  );
}
