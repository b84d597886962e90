import Link from "next/link";

/** A labelled count list with proportional bars; each row links to the filtered host list. */
export function BarList({ title, rows, href }: { title: string; rows: Array<{ key: string; count: number; note?: string }>; href?: (key: string) => string }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-3 text-sm font-semibold text-slate-700">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No hosts yet.</p>
      ) : (
        <ul className="space-y-1.5">
          {rows.map((r) => (
            <li key={r.key} className="text-sm">
              <div className="flex justify-between gap-2">
                {href ? (
                  <Link className="truncate text-brand hover:underline" href={href(r.key)}>
                    {r.key}
                  </Link>
                ) : (
                  <span className="truncate">{r.key}</span>
                )}
                <span className="tabular-nums text-slate-600">
                  {r.note ? <span className="mr-2 text-xs text-slate-400">{r.note}</span> : null}
                  {r.count.toLocaleString()}
                </span>
              </div>
              <div className="mt-0.5 h-1.5 rounded bg-slate-100">
                <div className="h-1.5 rounded bg-brand/70" style={{ width: `${(r.count / max) * 100}%` }} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
