"use client";

import type { FcosHostGuidance } from "@/lib/cincinnati/manual-step";
import { Ago } from "../ui/time";

const TITLE: Record<FcosHostGuidance["status"], string> = {
  pending: "Rollback waits for the host's operator",
  done: "Rolled back",
  held: "Pinned",
};

/**
 * A pin or rollback on a Fedora CoreOS host: who set it, when, why, and — Zincati never
 * downgrades — the command the host's operator must run there.
 */
export function HostFcosGuidance({ guidance: g }: { guidance: FcosHostGuidance }) {
  const title = g.status === "done" && g.kind === "pin" ? "Pinned" : TITLE[g.status];
  return (
    <section aria-label="Pin or rollback" className={`rounded-lg border p-4 ${g.status === "pending" ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}>
      <h2 className="mb-2 text-sm font-semibold text-slate-700">{title}</h2>
      <dl className="grid grid-cols-2 gap-2 text-sm md:grid-cols-4">
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">By</dt>
          <dd data-testid="fcos-guidance-owner">{g.owner}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Why</dt>
          <dd data-testid="fcos-guidance-reason">{g.reason}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">{g.kind === "rollback" ? "Back to" : "Pinned to"}</dt>
          <dd>
            {g.version} <span className="text-slate-500">({g.scope === "group" ? "group" : "host"} {g.kind})</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Since</dt>
          <dd>
            <Ago iso={g.since} />
          </dd>
        </div>
      </dl>
      <p className="mt-2 text-sm text-slate-700">{g.summary}</p>
      {g.step ? (
        <div className="mt-2">
          <p className="text-xs uppercase tracking-wide text-slate-500">Run on the host</p>
          <pre data-testid="fcos-manual-step" className="mt-1 overflow-x-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100">
            {g.step.command}
          </pre>
          <p className="mt-1 text-xs text-slate-500">{g.step.note}</p>
        </div>
      ) : null}
    </section>
  );
}
