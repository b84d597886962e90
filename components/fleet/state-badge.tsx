const STYLES: Record<string, string> = {
  idle: "bg-slate-100 text-slate-700",
  checking: "bg-sky-100 text-sky-800",
  downloading: "bg-sky-100 text-sky-800",
  downloaded: "bg-indigo-100 text-indigo-800",
  staged: "bg-indigo-100 text-indigo-800",
  rebooting: "bg-amber-100 text-amber-800",
  rolled_back: "bg-orange-100 text-orange-800",
  error: "bg-red-100 text-red-800",
};

export function StateBadge({ state }: { state: string }) {
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${STYLES[state] ?? STYLES.idle}`}>{state.replace("_", " ")}</span>;
}
