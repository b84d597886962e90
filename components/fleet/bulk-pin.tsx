"use client";

import { useState } from "react";
import { useBulkPin } from "../queries/catalog";
import { buttonClass, ErrorText, inputClass } from "../ui/form";

/** Pin every host the current filters match, after a preview of how many that is. */
export function BulkPin({ filter }: { filter: string }) {
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ version: "", reason: "", rollback: false });
  const [replaceRollback, setReplaceRollback] = useState(false);
  const preview = useBulkPin();
  const apply = useBulkPin();
  if (!open) {
    return (
      <button type="button" className="text-sm underline" onClick={() => setOpen(true)}>
        Pin matching hosts…
      </button>
    );
  }
  const ready = f.version.trim() && f.reason.trim();
  return (
    <section aria-label="Pin matching hosts" className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm">
      <input className={`${inputClass} w-40`} aria-label="Bulk pin version" placeholder="version" value={f.version} onChange={(e) => setF({ ...f, version: e.target.value })} />
      <input className={`${inputClass} w-72`} aria-label="Bulk pin reason" placeholder="reason (required)" value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
      <label className="flex items-center gap-1">
        <input type="checkbox" checked={f.rollback} onChange={(e) => setF({ ...f, rollback: e.target.checked })} />
        roll back (take newer hosts down to this version)
      </label>
      <button type="button" className="rounded border border-slate-300 px-2 py-1" disabled={!ready} onClick={() => preview.mutate({ filter, ...f, preview: true })}>
        Preview
      </button>
      {preview.data && !apply.data ? (
        <>
          {preview.data.reach ? (
            <span>
              {preview.data.reach.willMove.toLocaleString()} will move
              {Object.entries(preview.data.reach.byFamily).map(([fam, r]) => ` · ${fam}: ${r.hosts.toLocaleString()}`)}
            </span>
          ) : null}
          {preview.data.warnings.map((w) => (
            <span key={w} className="text-amber-700">
              {w}
            </span>
          ))}
          {preview.data.rollbacks > 0 ? (
            // Replacing a rollback is never silent: the operator ticks it (the API refuses otherwise).
            <label className="flex items-center gap-1 text-amber-800">
              <input type="checkbox" checked={replaceRollback} onChange={(e) => setReplaceRollback(e.target.checked)} />
              replace the rollbacks of {preview.data.rollbacks.toLocaleString()} hosts
            </label>
          ) : null}
          <button type="button" className={buttonClass} disabled={!ready || preview.data.matched === 0 || (preview.data.rollbacks > 0 && !replaceRollback)} onClick={() => apply.mutate({ filter, ...f, preview: false, replaceRollback })}>
            {f.rollback ? "Roll back" : "Pin"} {preview.data.matched.toLocaleString()} hosts
          </button>
        </>
      ) : null}
      {apply.data ? <span role="status" className="text-green-700">{f.rollback ? "Rolling back" : "Pinned"} {apply.data.pinned.toLocaleString()} hosts to {f.version}.</span> : null}
      <ErrorText error={preview.error ?? apply.error} />
    </section>
  );
}
