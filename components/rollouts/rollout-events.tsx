import type { RolloutProgress } from "../queries/rollouts";
import { Time } from "../ui/time";

function describe(e: RolloutProgress["events"][number]): string {
  const d = e.detail;
  const s = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  switch (e.kind) {
    case "created":
      return `created for ${s("version")}${s("reason") ? `: ${s("reason")}` : ""}`;
    case "approval_requested":
      return `approval requested (${String(d.approvalsRequired)} needed)`;
    case "approved":
      return "approved";
    case "rejected":
      return `rejected: ${s("comment")}`;
    case "started":
      return `started on ${String(d.fleetSize)} hosts`;
    case "phase_advanced":
      return `advanced to phase ${s("phaseName")}${d.manual ? ` by hand: ${s("reason")}` : ""}`;
    case "paused":
    case "aborted":
      return `${e.kind}: ${s("reason")}`;
    case "recalled":
      return `${d.policy === "pause" ? "paused" : "ended"}: ${s("recalled")} was recalled: ${s("reason")}`;
    case "resumed":
      return `resumed: ${s("reason")}`;
    case "rolled_back":
      return `group rolled back to ${s("to")}`;
    case "completed":
      return "completed";
    case "superseded":
      return `superseded by the rollout to ${s("byVersion")}`;
    default:
      return e.kind;
  }
}

/** The rollout's own timeline: who or what moved it, and why. */
export function RolloutEvents({ events }: { events: RolloutProgress["events"] }) {
  return (
    <section aria-label="Rollout timeline" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 font-semibold">Timeline</h2>
      <ol className="space-y-1 text-sm">
        {events.map((e) => (
          <li key={e.id} className="flex gap-3">
            <span className="w-44 shrink-0 text-slate-500">
              <Time iso={e.at} />
            </span>
            <span className="w-40 shrink-0 truncate text-slate-600">{e.actor}</span>
            <span>{describe(e)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
