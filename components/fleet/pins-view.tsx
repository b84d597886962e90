"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { pinsQuery, useRemovePin } from "../queries/catalog";
import { useCan } from "../session-context";
import { ErrorText } from "../ui/form";
import { PinForm } from "./pin-form";

const WEEK = 7 * 86_400_000;

export function PinsView() {
  const q = useQuery(pinsQuery());
  const remove = useRemovePin();
  const canWrite = useCan("fleet:write");
  return (
    <div className="space-y-6">
      <ErrorText error={q.error ?? remove.error} />
      <section aria-label="Pins" className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Pinned</th>
              <th>Version</th>
              <th>Owner</th>
              <th>Reason</th>
              <th>Expires</th>
              <th className="text-right">Hosts</th>
              <th className="text-right">Not converged</th>
              <th />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {q.data?.items.map((p) => {
              const soon = p.expiresAt !== null && new Date(p.expiresAt).getTime() - new Date(q.dataUpdatedAt).getTime() < WEEK;
              return (
                <tr key={p.id}>
                  <td className="px-3 py-1.5">
                    {p.scope}{" "}
                    <Link className="text-brand hover:underline" href={p.scope === "host" ? `/hosts/${p.targetId}` : `/hosts?group=${encodeURIComponent(p.targetId)}`}>
                      {p.targetId}
                    </Link>
                  </td>
                  <td className="tabular-nums">{p.version}</td>
                  <td>{p.owner}</td>
                  <td>{p.reason}</td>
                  <td className={soon ? "text-amber-700" : ""}>{p.expiresAt ? `${new Date(p.expiresAt).toLocaleString()}${soon ? " (soon)" : ""}` : "never"}</td>
                  <td className="text-right tabular-nums">{p.hosts}</td>
                  <td className={`text-right tabular-nums ${p.notConverged > 0 ? "text-amber-700" : ""}`}>{p.notConverged}</td>
                  <td className="px-3 text-right">
                    {canWrite ? (
                      <button type="button" className="underline" onClick={() => remove.mutate(p.id)}>
                        Unpin
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
            {q.data?.items.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-3 text-slate-500">
                  Nothing is pinned.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
      {canWrite ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">Pin a group or host</h2>
          <PinForm />
        </section>
      ) : null}
    </div>
  );
}
