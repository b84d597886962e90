"use client";

import Link from "next/link";
import type { Blocker, Eta } from "@/lib/rollout/blockers";
import { Time } from "../ui/time";

const KIND_LABEL: Record<Blocker["kind"], string> = {
  approval: "Approval",
  rollout_paused: "Paused",
  recalled: "Recalled",
  channel_paused: "Channel paused",
  pin: "Pin",
  window: "Maintenance window",
  rate_limit: "Rate limit",
  concurrency_limit: "Concurrency limit",
  fleetlock: "FleetLock",
  offline: "Offline hosts",
};

/** Every reason the rollout cannot move, with the hosts it holds and who set it. */
export function RolloutBlockers({ blockers }: { blockers: Blocker[] }) {
  if (blockers.length === 0) return null;
  return (
    <section aria-label="What holds this rollout" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
      <h2 className="mb-2 font-semibold text-amber-900">What holds this rollout</h2>
      <ul className="space-y-2">
        {blockers.map((b, i) => (
          <li key={`${b.kind}-${i}`} aria-label={KIND_LABEL[b.kind]}>
            <span className="mr-2 rounded bg-amber-200 px-1.5 py-0.5 text-xs font-medium text-amber-900">{KIND_LABEL[b.kind]}</span>
            {b.text}{" "}
            <span className="text-slate-600">
              Holds {b.hosts} host{b.hosts === 1 ? "" : "s"}
              {b.sample.length ? ": " : ""}
              {b.sample.map((h) => (
                <Link key={h} className="mr-1 font-mono text-xs text-brand underline" href={`/hosts/${h}`}>
                  {h.slice(0, 8)}
                </Link>
              ))}
              {b.hosts > b.sample.length ? "… " : ""}· set by {b.setBy}
              {b.until ? (
                <>
                  {" "}
                  · until <Time iso={b.until} />
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function RolloutEta({ eta }: { eta: Eta }) {
  return (
    <p>
      ETA: {eta.at ? <Time iso={eta.at} /> : null}
      {eta.at ? (eta.note ? <span className="text-slate-600"> ({eta.note})</span> : null) : <span className="text-slate-600">{eta.note}</span>}
    </p>
  );
}
