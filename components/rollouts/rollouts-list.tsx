"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ROLLOUT_STATUS_VALUES } from "@/lib/rollout/rollout";
import { rolloutsQuery } from "../queries/rollouts";
import { DataTable } from "../ui/data-table";
import { ErrorText, inputClass } from "../ui/form";
import { Ago } from "../ui/time";
import { NewRolloutForm } from "./new-rollout-form";
import { RolloutStatusBadge } from "./rollout-status";
import { useCan } from "../session-context";

export function RolloutsList() {
  const [status, setStatus] = useState("");
  const q = useQuery(rolloutsQuery(status ? `status=${status}` : ""));
  const canWrite = useCan("fleet:write");
  const rows = q.data?.rollouts ?? [];
  return (
    <div className="space-y-4">
      {canWrite ? <NewRolloutForm /> : null}
      <label className="flex items-center gap-2 text-sm">
        Status
        <select aria-label="Status filter" className={`${inputClass} w-48`} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">all</option>
          {ROLLOUT_STATUS_VALUES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <ErrorText error={q.error} />
      <DataTable label="Rollouts" columns={[{ label: "Rollout" }, { label: "Status" }, { label: "Phase" }, { label: "Updated / offered", align: "right" }, { label: "Failed", align: "right" }, { label: "Created" }]} empty="No rollouts yet: they start when a channel's target changes." isEmpty={q.isSuccess && rows.length === 0}>
        {rows.map((r) => {
          const offered = Object.values(r.counts).reduce((a, b) => a + b, 0);
          const phase = r.plan.phases[r.phaseIndex];
          return (
            <tr key={r.id}>
              <td className="px-3 py-2">
                <Link className="text-brand underline" href={`/rollouts/${r.id}`}>
                  {r.groupId} → {r.version}
                </Link>
                {r.fromVersion ? <span className="text-xs text-slate-500"> from {r.fromVersion}</span> : null}
              </td>
              <td className="py-2">
                <RolloutStatusBadge status={r.status} />
              </td>
              <td className="py-2">{phase ? `${r.phaseIndex + 1}/${r.plan.phases.length} ${phase.name}` : "all phases done"}</td>
              <td className="py-2 text-right tabular-nums">
                {r.counts.updated} / {offered}
              </td>
              <td className="py-2 text-right tabular-nums">{r.counts.failed + r.counts.rolled_back}</td>
              <td className="py-2">
                <Ago iso={r.createdAt} /> by {r.createdBy}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
