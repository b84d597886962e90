"use client";

import { useState } from "react";
import type { ConfigDetail } from "../queries/ignition";
import { useCreateAssignment, useDeleteAssignment } from "../queries/ignition";
import { useCan } from "../session-context";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

/** "key=value, key=value" → selectors. */
function parseSelectors(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function AssignmentsPanel({ config }: { config: ConfigDetail }) {
  const canWrite = useCan("fleet:write");
  const create = useCreateAssignment();
  const remove = useDeleteAssignment();
  const [f, setF] = useState({ name: "", selectors: "", version: "" });
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <section aria-label="Assignments" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-sm font-semibold text-slate-700">Served to (selectors)</h2>
      <p className="text-xs text-slate-500">
        Hosts fetch <code>{origin}/ignition?uuid=…&amp;mac=…&amp;hostname=…</code>; the assignment with the most matching selectors wins, one without selectors is the default.
      </p>
      <ErrorText error={create.error ?? remove.error} />
      <ul className="divide-y divide-slate-100 text-sm">
        {config.assignments.map((a) => (
          <li key={a.id} className="flex items-center gap-3 py-1">
            <span className="font-medium">{a.name}</span>
            <code className="text-xs">{Object.entries(a.selectors).map(([k, v]) => `${k}=${v}`).join(", ") || "(default: no selectors)"}</code>
            <span className="text-xs text-slate-500">{a.version ? `v${a.version}` : "published version"}</span>
            {canWrite ? (
              <button type="button" className="ml-auto text-xs underline" onClick={() => remove.mutate(a.id)}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form
          aria-label="New assignment"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: f.name, configId: config.id, version: f.version ? Number(f.version) : null, selectors: parseSelectors(f.selectors) }, { onSuccess: () => setF({ name: "", selectors: "", version: "" }) });
          }}
        >
          <Field label="Assignment name">
            <input className={inputClass} required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          </Field>
          <Field label="Selectors (key=value, …)">
            <input className={inputClass} value={f.selectors} onChange={(e) => setF({ ...f, selectors: e.target.value })} placeholder="mac=52:54:00:12:34:56" />
          </Field>
          <Field label="Version (empty: published)">
            <input className={`${inputClass} w-28`} inputMode="numeric" value={f.version} onChange={(e) => setF({ ...f, version: e.target.value })} />
          </Field>
          <button className={buttonClass} type="submit">
            Assign
          </button>
        </form>
      ) : null}
    </section>
  );
}
