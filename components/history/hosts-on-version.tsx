"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { hostsOnVersionQuery } from "../queries/history";
import { buttonClass, ErrorText, inputClass } from "../ui/form";

/** "Which hosts ran version X at any moment between T1 and T2?" */
export function HostsOnVersionPanel() {
  const [draft, setDraft] = useState({ version: "", from: "", to: "" });
  const [asked, setAsked] = useState("");
  const q = useQuery(hostsOnVersionQuery(asked));
  return (
    <section aria-label="Hosts on version" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-sm font-semibold">Hosts on a version during a period</h2>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.version || !draft.from || !draft.to) return;
          setAsked(new URLSearchParams({ version: draft.version, from: new Date(draft.from).toISOString(), to: new Date(draft.to).toISOString() }).toString());
        }}
      >
        <label className="text-xs text-slate-600">
          Version
          <input className={inputClass} value={draft.version} onChange={(e) => setDraft({ ...draft, version: e.target.value })} />
        </label>
        <label className="text-xs text-slate-600">
          Between
          <input type="datetime-local" className={inputClass} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label className="text-xs text-slate-600">
          and
          <input type="datetime-local" className={inputClass} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button className={buttonClass} type="submit">
          Find hosts
        </button>
      </form>
      <ErrorText error={q.error} />
      {q.data ? (
        <div className="text-sm">
          <p className="text-slate-600">
            {q.data.total.toLocaleString()} hosts ran {q.data.version}
            {q.data.total > q.data.hosts.length ? ` (first ${q.data.hosts.length} shown)` : ""}.
          </p>
          <ul className="mt-1 max-h-64 overflow-y-auto font-mono text-xs">
            {q.data.hosts.map((h) => (
              <li key={h.id}>
                <Link className="text-brand hover:underline" href={`/hosts/${h.id}`}>
                  {h.hostname || h.id}
                </Link>{" "}
                <span className="text-slate-500">
                  {h.groupId} · now {h.currentVersion}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
