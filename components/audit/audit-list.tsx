"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { auditQuery, auditVerifyQuery } from "../queries/admin";
import { buttonClass, ErrorText, inputClass } from "../ui/form";
import { Time } from "../ui/time";

function ChainBadge() {
  const v = useQuery(auditVerifyQuery());
  if (!v.data) return null;
  return v.data.ok ? (
    <span className="rounded bg-green-100 px-2 py-0.5 text-xs text-green-800">chain verified · {v.data.rows} rows</span>
  ) : (
    <span role="alert" className="rounded bg-red-100 px-2 py-0.5 text-xs text-red-800">
      chain broken at row {v.data.brokenAt} ({v.data.problem})
    </span>
  );
}

const FILTERS = [
  { name: "action", label: "Action", placeholder: "e.g. channel.pause" },
  { name: "actor", label: "Actor", placeholder: "e-mail" },
  { name: "targetType", label: "Target type", placeholder: "e.g. channel" },
  { name: "targetId", label: "Target", placeholder: "e.g. stable" },
] as const;

export function AuditList() {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState("");
  const q = useQuery(auditQuery(`limit=200${filter ? `&${filter}` : ""}`));
  return (
    <section aria-label="Audit log" className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <ChainBadge />
        <a className="text-sm text-brand underline" href={`/api/v1/audit/export?format=csv${filter ? `&${filter}` : ""}`} download>
          Export CSV
        </a>
        <a className="text-sm text-brand underline" href={`/api/v1/audit/export?format=ndjson${filter ? `&${filter}` : ""}`} download>
          Export NDJSON
        </a>
      </div>
      <form
        role="search"
        aria-label="Filter audit log"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(new URLSearchParams(Object.entries(draft).filter(([, v]) => v.trim())).toString());
        }}
      >
        {FILTERS.map((f) => (
          <label key={f.name} className="text-xs text-slate-600">
            {f.label}
            <input className={inputClass} placeholder={f.placeholder} value={draft[f.name] ?? ""} onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })} />
          </label>
        ))}
        <button className={buttonClass} type="submit">
          Apply
        </button>
      </form>
      <ErrorText error={q.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Change</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {q.data?.items.map((r) => (
              <tr key={r.id} className="align-top">
                <td className="whitespace-nowrap px-3 py-1.5 tabular-nums text-slate-500"><Time iso={r.at} /></td>
                <td>
                  {r.actorEmail} <span className="text-xs text-slate-400">{r.actorRole}</span>
                </td>
                <td className="font-mono text-xs">{r.action}</td>
                <td className="text-xs">
                  {r.targetType} <span className="font-mono text-slate-500">{r.targetId}</span>
                </td>
                <td className="max-w-md font-mono text-xs text-slate-600">
                  {r.before ? <div>− {JSON.stringify(r.before)}</div> : null}
                  {r.after ? <div>+ {JSON.stringify(r.after)}</div> : null}
                  {r.reason ? <div>reason: {r.reason}</div> : null}
                </td>
                <td className="text-xs text-slate-500">{r.clientAddr}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
