import type { PreviewResult } from "../queries/preview";

/** A blast-radius preview: counts per outcome with sample hosts (pure view). */
export function PreviewSummary({ preview, title = "Blast radius" }: { preview: PreviewResult; title?: string }) {
  return (
    <section aria-label={title} className="rounded border border-slate-200 p-2 text-sm">
      <h3 className="font-medium">
        {title}: {preview.hosts} host{preview.hosts === 1 ? "" : "s"} in scope, {preview.changed} change{preview.exact ? "" : ` (sample of ${preview.examined}, counts scaled)`}
      </h3>
      <table className="mt-1 w-full text-left">
        <thead>
          <tr className="text-xs text-slate-500">
            <th className="pr-2 font-normal">Outcome</th>
            <th className="pr-2 font-normal">Hosts</th>
            <th className="font-normal">Examples</th>
          </tr>
        </thead>
        <tbody>
          {preview.outcomes.map((o) => (
            <tr key={o.key} className="align-top">
              <td className="pr-2">
                {o.kind === "offer" ? `offered ${o.version}${o.reason === "rollback" ? " (rollback)" : ""}` : o.kind === "serve" ? o.reason : `held: ${o.reason}`}
                {o.detail ? <div className="text-xs text-slate-500">{o.detail}</div> : null}
              </td>
              <td className="pr-2 tabular-nums">{o.count}</td>
              <td className="font-mono text-xs">{o.sample.map((s) => s.hostname || s.id.slice(0, 12)).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.groups.length ? <p className="mt-1 text-xs text-slate-500">Groups: {preview.groups.map((g) => `${g.id} (${g.hosts}${g.approvalsRequired ? `, needs ${g.approvalsRequired} approval${g.approvalsRequired === 1 ? "" : "s"}` : ""})`).join(", ")}</p> : null}
    </section>
  );
}
