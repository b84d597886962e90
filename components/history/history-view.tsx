"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { CHANGE_KINDS, CHANGE_LABELS, type ChangeKind } from "@/lib/history/events";
import { historyListQuery, retentionQuery } from "../queries/history";
import { buttonClass, ErrorText, inputClass } from "../ui/form";
import { HostsOnVersionPanel } from "./hosts-on-version";
import { Time, formatLocal } from "../ui/time";

const TEXT_FILTERS = [
  { name: "group", label: "Group", placeholder: "e.g. berlin-edge" },
  { name: "channel", label: "Channel", placeholder: "e.g. stable" },
  { name: "version", label: "Version", placeholder: "e.g. 4081.2.0" },
  { name: "host", label: "Host (machine id)", placeholder: "32 hex" },
  { name: "rollout", label: "Rollout id", placeholder: "uuid" },
] as const;

const SELECT_FILTERS = [
  { name: "change", label: "Event", options: CHANGE_KINDS.map((k) => [k, CHANGE_LABELS[k]] as const) },
  { name: "state", label: "State", options: ["idle", "downloading", "downloaded", "staged", "rebooting", "rolled_back", "error"].map((s) => [s, s] as const) },
  { name: "protocol", label: "Protocol", options: ["native", "omaha", "cincinnati"].map((p) => [p, p] as const) },
] as const;

// datetime-local speaks local time without a zone; the API wants an instant.
const toInstant = (local: string) => (local ? new Date(local).toISOString() : "");
const toLocal = (iso: string | null) => {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function RetentionNote() {
  const q = useQuery(retentionQuery());
  if (!q.data) return null;
  const run = q.data.lastRun;
  return (
    <p className="text-xs text-slate-500" aria-label="Retention">
      Raw reports kept {q.data.retentionDays} days in {q.data.partitions} daily partitions; charts and the audit log are kept.{" "}
      {run
        ? `Last prune ${formatLocal(run.finishedAt)}: ${run.droppedPartitions.length} partitions dropped (${run.droppedRows.toLocaleString()} rows), ${run.createdPartitions.length} created${run.error ? ` — ${run.error}` : ""}.`
        : "The prune job has not run yet."}
    </p>
  );
}

/** The fleet history: filters in the URL (shareable), change events newest first, exports. */
export function HistoryView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = new URLSearchParams([...params].filter(([, v]) => v !== "")).toString();
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(params));
  const q = useInfiniteQuery(historyListQuery(filters));
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (name: string, value: string) => setDraft((d) => ({ ...d, [name]: value }));

  return (
    <div className="space-y-4">
      <form
        role="search"
        aria-label="Filter history"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(Object.entries(draft).filter(([, v]) => v.trim() !== ""));
          router.replace(`${pathname}?${next.toString()}`);
        }}
      >
        <label className="text-xs text-slate-600">
          From
          <input aria-label="From" type="datetime-local" className={inputClass} value={toLocal(draft.from ?? null)} onChange={(e) => set("from", toInstant(e.target.value))} />
        </label>
        <label className="text-xs text-slate-600">
          To
          <input aria-label="To" type="datetime-local" className={inputClass} value={toLocal(draft.to ?? null)} onChange={(e) => set("to", toInstant(e.target.value))} />
        </label>
        {TEXT_FILTERS.map((f) => (
          <label key={f.name} className="text-xs text-slate-600">
            {f.label}
            <input aria-label={f.label} className={inputClass} placeholder={f.placeholder} value={draft[f.name] ?? ""} onChange={(e) => set(f.name, e.target.value)} />
          </label>
        ))}
        {SELECT_FILTERS.map((f) => (
          <label key={f.name} className="text-xs text-slate-600">
            {f.label}
            <select aria-label={f.label} className={inputClass} value={draft[f.name] ?? ""} onChange={(e) => set(f.name, e.target.value)}>
              <option value="">any</option>
              {f.options.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button className={buttonClass} type="submit">
          Apply
        </button>
      </form>
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <a className="text-brand underline" href={`/api/v1/history/export?format=csv${filters ? `&${filters}` : ""}`} download>
          Export CSV
        </a>
        <a className="text-brand underline" href={`/api/v1/history/export?format=ndjson${filters ? `&${filters}` : ""}`} download>
          Export NDJSON
        </a>
        <RetentionNote />
      </div>
      <ErrorText error={q.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm" aria-label="History events">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Time</th>
              <th>Host</th>
              <th>Group</th>
              <th>Event</th>
              <th>Version</th>
              <th>State</th>
              <th>Protocol</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={`${r.id}-${r.receivedAt}`}>
                <td className="whitespace-nowrap px-3 py-1.5 tabular-nums text-slate-500"><Time iso={r.receivedAt} /></td>
                <td>
                  <Link className="text-brand hover:underline" href={`/hosts/${r.hostId}`}>
                    {r.hostname || r.hostId.slice(0, 12)}
                  </Link>
                </td>
                <td className="text-xs">{r.groupId}</td>
                <td className="text-xs">{r.change ? CHANGE_LABELS[r.change as ChangeKind] : ""}</td>
                <td className="font-mono text-xs">
                  {r.fromVersion && r.fromVersion !== r.osVersion ? `${r.fromVersion} → ` : ""}
                  {r.osVersion}
                </td>
                <td className="text-xs">{r.updateState}</td>
                <td className="text-xs text-slate-500">{r.protocol}</td>
                <td className="max-w-xs truncate text-xs text-red-700" title={r.errorMessage ?? undefined}>
                  {r.errorCode}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!q.isPending && rows.length === 0 ? <p className="p-4 text-sm text-slate-500">No changes match these filters.</p> : null}
      </div>
      {q.hasNextPage ? (
        <button type="button" className={buttonClass} disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Older events"}
        </button>
      ) : null}
      <HostsOnVersionPanel />
    </div>
  );
}
