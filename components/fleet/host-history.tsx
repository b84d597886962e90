"use client";

import { useQuery } from "@tanstack/react-query";
import { hostHistoryQuery } from "../queries/fleet";
import type { HostReport } from "../queries/types";
import { ErrorText } from "../ui/form";
import { StateBadge } from "./state-badge";
import { Time } from "../ui/time";

interface ReportDetail {
  events?: Array<{ name?: string }>;
  updateCheck?: { offered?: string; hold?: string | null };
  event?: string;
}

/** Protocol events and the answer to an update check, as recorded with the report. */
function protocolNotes(r: HostReport): string[] {
  const d = r.detail as ReportDetail;
  const notes = (d.events ?? []).map((e) => e.name ?? "event");
  if (d.event) notes.push(d.event);
  if (d.updateCheck?.offered) notes.push(`offered ${d.updateCheck.offered}`);
  else if (d.updateCheck?.hold) notes.push(`held: ${d.updateCheck.hold}`);
  return notes;
}

/** What changed from the previous (older) report, so the timeline reads as events. */
function changes(r: HostReport, older: HostReport | undefined): string[] {
  if (!older) return ["first report"];
  const out: string[] = [];
  if (r.osVersion !== older.osVersion) out.push(`version ${older.osVersion} → ${r.osVersion}`);
  if (r.updateState !== older.updateState) out.push(`state ${older.updateState} → ${r.updateState}`);
  if (r.groupId !== older.groupId) out.push(`group ${older.groupId} → ${r.groupId}`);
  return out;
}

export function HostHistory({ hostId }: { hostId: string }) {
  const { data, error, isPending } = useQuery(hostHistoryQuery(hostId));
  if (isPending) return <p className="text-sm text-slate-500">Loading history…</p>;
  if (error) return <ErrorText error={error} />;
  return (
    <section aria-label="Update history" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-3 flex items-center gap-3">
        <h2 className="text-sm font-semibold text-slate-700">
          Update history ({data.items.length}
          {data.nextCursor ? "+" : ""} reports)
        </h2>
        <a className="text-xs text-brand underline" href={`/api/v1/history/export?format=csv&host=${hostId}`} download>
          Export CSV
        </a>
      </div>
      <ol className="relative space-y-3 border-l border-slate-200 pl-4">
        {data.items.map((r, i) => {
          const diff = changes(r, data.items[i + 1]);
          return (
            <li key={r.id} className="text-sm" data-testid="history-entry">
              <span className={`absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border-2 border-white ${r.updateState === "error" ? "bg-red-500" : diff.length ? "bg-brand" : "bg-slate-300"}`} />
              <div className="flex flex-wrap items-center gap-2">
                <time className="tabular-nums text-slate-500" dateTime={r.receivedAt}>
                  <Time iso={r.receivedAt} />
                </time>
                <StateBadge state={r.updateState} />
                <span className="tabular-nums">{r.osVersion}</span>
                <span className="text-xs text-slate-400">
                  {r.protocol} {r.kind}
                </span>
              </div>
              {diff.length ? <div className="text-slate-700">{diff.join(" · ")}</div> : null}
              {protocolNotes(r).length ? <div className="text-slate-600">{protocolNotes(r).join(" · ")}</div> : null}
              {r.errorCode ? (
                <div className="text-red-700">
                  error {r.errorCode}: {r.errorMessage}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
