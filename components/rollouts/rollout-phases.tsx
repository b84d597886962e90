import { phaseHostCounts } from "@/lib/rollout/phases";
import type { Rollout } from "../queries/rollouts";
import { DataTable } from "../ui/data-table";

function targetText(t: { percent: number } | { hosts: number }) {
  return "percent" in t ? `${t.percent} %` : `${t.hosts} host${t.hosts === 1 ? "" : "s"}`;
}

/** The plan's phases: share, bake, threshold, and how many hosts each has been offered to. */
export function RolloutPhases({ rollout, offeredPerPhase }: { rollout: Rollout; offeredPerPhase: Record<string, number> }) {
  const reach = phaseHostCounts(rollout.plan.phases, rollout.fleetSize);
  return (
    <DataTable label="Phases" columns={[{ label: "Phase" }, { label: "Reaches" }, { label: "Bake" }, { label: "Failure threshold" }, { label: "Offered in phase", align: "right" }]} empty="" isEmpty={false}>
      {rollout.plan.phases.map((p, i) => {
        const current = i === rollout.phaseIndex && (rollout.status === "running" || rollout.status === "paused");
        const done = i < rollout.phaseIndex || rollout.status === "completed";
        const t = p.failureThreshold;
        return (
          <tr key={p.name} aria-current={current ? "step" : undefined} className={current ? "bg-blue-50" : ""}>
            <td className="px-3 py-2">
              {done ? "✓ " : current ? "▶ " : ""}
              {i + 1}. {p.name}
            </td>
            <td className="py-2">
              {targetText(p.target)} {rollout.fleetSize ? <span className="text-slate-500">({reach[i]} of {rollout.fleetSize})</span> : null}
            </td>
            <td className="py-2">{p.bakeMinutes} min</td>
            <td className="py-2">{t ? `> ${Math.round(t.maxFailureRate * 1000) / 10} % of ≥ ${t.minSample} → ${t.action}` : "none"}</td>
            <td className="py-2 text-right tabular-nums">{offeredPerPhase[i] ?? 0}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}
