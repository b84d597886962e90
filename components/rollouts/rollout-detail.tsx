"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { readinessText, ROLLOUT_HOST_STATE_VALUES } from "@/lib/rollout/rollout";
import { stoppedByWho } from "@/lib/rollout/hold-reasons";
import { rolloutQuery, type RolloutProgress } from "../queries/rollouts";
import { useCan } from "../session-context";
import { DataTable } from "../ui/data-table";
import { ErrorText } from "../ui/form";
import { Ago, formatLocal, formatUtc } from "../ui/time";
import { RolloutBlockers, RolloutEta } from "./rollout-blockers";
import { RolloutActions } from "./rollout-actions";
import { RolloutEvents } from "./rollout-events";
import { RolloutPhases } from "./rollout-phases";
import { RolloutStatusBadge } from "./rollout-status";

const STEP_LABEL: Record<(typeof ROLLOUT_HOST_STATE_VALUES)[number], string> = {
  offered: "Offered",
  downloading: "Downloading",
  staged: "Staged",
  rebooting: "Rebooting",
  updated: "Updated",
  failed: "Failed",
  rolled_back: "Rolled back",
};

function Summary({ p }: { p: RolloutProgress }) {
  const r = p.rollout;
  const phase = r.plan.phases[r.phaseIndex];
  const live = r.status === "running" || r.status === "paused" || r.status === "awaiting_approval";
  const readinessAt = r.evaluation?.readiness && !r.evaluation.readiness.ready ? ("readyAt" in r.evaluation.readiness ? r.evaluation.readiness.readyAt : "until" in r.evaluation.readiness ? r.evaluation.readiness.until : null) : null;
  return (
    <section aria-label="Rollout summary" className="space-y-1 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <p>
        <RolloutStatusBadge status={r.status} /> {phase && (r.status === "running" || r.status === "paused") ? `phase ${r.phaseIndex + 1} of ${r.plan.phases.length} (${phase.name})` : null}
      </p>
      {r.stoppedBy ? (
        <p role="status" className="font-medium text-orange-800">
          {r.status === "paused" ? "Paused" : r.status === "rejected" ? "Rejected" : r.stoppedBy.kind === "recall" ? "Ended" : "Stopped"} by {stoppedByWho(r.stoppedBy)}: {r.stoppedBy.reason}
        </p>
      ) : null}
      {r.status === "running" && r.evaluation && phase ? (
        <p className="text-slate-600" title={readinessAt ? formatUtc(readinessAt) : undefined}>
          {readinessText(r.evaluation.readiness, phase.name, formatLocal)}
        </p>
      ) : null}
      {r.status === "awaiting_approval" && r.approvalRequestId ? (
        <p>
          Waiting for {r.plan.approvalsRequired} approval{r.plan.approvalsRequired === 1 ? "" : "s"}:{" "}
          <Link className="text-brand underline" href="/approvals">
            approvals
          </Link>
        </p>
      ) : null}
      {r.approvedBy?.length ? <p>Approved by {r.approvedBy.join(", ")}</p> : null}
      <p className="text-slate-600">
        {r.fleetSize} hosts in the group when it started · created <Ago iso={r.createdAt} /> by {r.createdBy}
        {r.reason ? ` — “${r.reason}”` : ""}
      </p>
      {live ? <RolloutEta eta={p.eta} /> : null}
    </section>
  );
}

export function RolloutDetail({ id }: { id: string }) {
  const q = useQuery(rolloutQuery(id));
  const canWrite = useCan("fleet:write");
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return <p className="text-sm text-slate-500">Loading…</p>;
  const p = q.data;
  const r = p.rollout;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">
        Rollout of {r.version} to {r.groupId}
        {r.fromVersion ? <span className="text-base font-normal text-slate-500"> from {r.fromVersion}</span> : null}
      </h1>
      <Summary p={p} />
      <RolloutBlockers blockers={p.blockers} />
      {canWrite ? <RolloutActions rollout={r} /> : null}
      <section aria-label="Hosts per step" className="grid grid-cols-3 gap-2 sm:grid-cols-7">
        {ROLLOUT_HOST_STATE_VALUES.map((s) => (
          <div key={s} className="rounded-lg border border-slate-200 bg-white p-3 text-center">
            <div className="text-xs uppercase text-slate-500">{STEP_LABEL[s]}</div>
            <div className="text-xl font-semibold tabular-nums" aria-label={`${STEP_LABEL[s]} hosts`}>
              {p.counts[s]}
            </div>
          </div>
        ))}
      </section>
      <RolloutPhases rollout={r} offeredPerPhase={p.offeredPerPhase} />
      <DataTable label="Failures by error" columns={[{ label: "Error" }, { label: "Hosts", align: "right" }, { label: "Example" }, { label: "Some hosts" }]} empty="No failures." isEmpty={p.failures.length === 0}>
        {p.failures.map((f) => (
          <tr key={f.errorCode ?? "none"}>
            <td className="px-3 py-2 font-mono">{f.errorCode ?? "(rolled back)"}</td>
            <td className="py-2 text-right tabular-nums">{f.n}</td>
            <td className="py-2">{f.example}</td>
            <td className="py-2 font-mono text-xs">
              {f.hosts.map((h) => (
                <Link key={h} className="mr-2 text-brand underline" href={`/hosts/${h}`}>
                  {h.slice(0, 8)}
                </Link>
              ))}
            </td>
          </tr>
        ))}
      </DataTable>
      <DataTable label="Stuck hosts" columns={[{ label: "Host" }, { label: "Step" }, { label: "Last progress" }]} empty={`No host without progress for ${r.plan.updateTimeoutMinutes} minutes.`} isEmpty={p.stuck.length === 0}>
        {p.stuck.map((h) => (
          <tr key={h.hostId}>
            <td className="px-3 py-2">
              <Link className="text-brand underline" href={`/hosts/${h.hostId}`}>
                {h.hostname || h.hostId}
              </Link>
            </td>
            <td className="py-2">{h.errorCode === "update_timeout" ? "timed out" : h.state}</td>
            <td className="py-2">
              <Ago iso={h.progressAt} />
            </td>
          </tr>
        ))}
      </DataTable>
      <RolloutEvents events={p.events} />
      <p className="text-sm">
        <Link className="text-brand underline" href={`/history?rollout=${r.id}`}>
          Update history of this rollout&apos;s hosts
        </Link>
      </p>
    </div>
  );
}
