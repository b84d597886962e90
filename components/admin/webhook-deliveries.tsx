"use client";

import { useQuery } from "@tanstack/react-query";
import { deliveriesQuery, useRedeliver } from "../queries/webhooks";
import { ErrorText } from "../ui/form";
import { Ago } from "../ui/time";

const STATUS_STYLE: Record<string, string> = {
  delivered: "bg-green-100 text-green-900",
  failed: "bg-red-100 text-red-900",
  pending: "bg-amber-100 text-amber-900",
  sending: "bg-sky-100 text-sky-900",
};

/** A subscription's delivery log: what was sent, what the receiver answered, what happens next. */
export function WebhookDeliveries({ subscriptionId, name }: { subscriptionId: string; name: string }) {
  const log = useQuery(deliveriesQuery(subscriptionId));
  const again = useRedeliver(subscriptionId);
  const items = log.data?.items ?? [];
  return (
    <div className="space-y-2">
      <ErrorText error={log.error ?? again.error} />
      {items.length === 0 ? (
        <p className="text-sm text-slate-600">No deliveries yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table aria-label={`Deliveries of ${name}`} className="w-full min-w-[40rem] text-sm">
            <thead className="text-left text-xs uppercase text-slate-600">
              <tr>
                <th className="py-1">#</th>
                <th>Event</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Answer</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((d) => (
                <tr key={d.id}>
                  <td className="py-1 font-mono">{d.id}</td>
                  <td className="font-mono">{d.event}</td>
                  <td>
                    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[d.status] ?? ""}`}>{d.status}</span>
                    {d.status === "pending" && d.attempts > 0 ? (
                      <span className="ml-1 text-xs text-slate-600">
                        retry <Ago iso={d.nextAttemptAt} />
                      </span>
                    ) : null}
                  </td>
                  <td>{d.attempts}</td>
                  <td className="max-w-[16rem] truncate" title={d.responseBody ?? d.lastError ?? ""}>
                    {d.responseStatus ?? "—"} {d.lastError && d.status !== "delivered" ? <span className="text-red-800">{d.lastError}</span> : null}
                  </td>
                  <td>
                    <Ago iso={d.createdAt} />
                  </td>
                  <td className="text-right">
                    <button type="button" className="underline disabled:opacity-50" disabled={again.isPending} onClick={() => again.mutate(d.id)}>
                      Send again
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
