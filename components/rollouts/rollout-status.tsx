import type { RolloutStatus } from "@/lib/rollout/rollout";

const STYLE: Record<RolloutStatus, string> = {
  awaiting_approval: "bg-amber-100 text-amber-800",
  running: "bg-blue-100 text-blue-800",
  paused: "bg-orange-100 text-orange-800",
  completed: "bg-green-100 text-green-800",
  aborted: "bg-red-100 text-red-800",
  rejected: "bg-red-100 text-red-800",
  superseded: "bg-slate-100 text-slate-600",
};

export function RolloutStatusBadge({ status }: { status: RolloutStatus }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs ${STYLE[status]}`}>{status.replace("_", " ")}</span>;
}
