"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { pinsQuery, useRemovePin } from "../queries/catalog";
import { useCan } from "../session-context";
import { DataTable } from "../ui/data-table";
import { ErrorText, inputClass } from "../ui/form";
import { PinForm } from "./pin-form";
import { Time } from "../ui/time";

const WEEK = 7 * 86_400_000;

export function PinsView() {
  const q = useQuery(pinsQuery());
  const remove = useRemovePin();
  const canWrite = useCan("fleet:write");
  const [show, setShow] = useState<"all" | "expiring" | "not_converged">("all");
  const expiresSoon = (p: { expiresAt: string | null }) => p.expiresAt !== null && new Date(p.expiresAt).getTime() - new Date(q.dataUpdatedAt).getTime() < WEEK;
  const items = (q.data?.items ?? []).filter((p) => (show === "expiring" ? expiresSoon(p) : show === "not_converged" ? p.notConverged > 0 : true));
  return (
    <div className="space-y-6">
      <ErrorText error={q.error ?? remove.error} />
      <label className="flex items-center gap-2 text-sm">
        Show
        <select aria-label="Show pins" className={`${inputClass} w-64`} value={show} onChange={(e) => setShow(e.target.value as typeof show)}>
          <option value="all">all pins</option>
          <option value="expiring">expiring within 7 days</option>
          <option value="not_converged">with hosts not converged</option>
        </select>
      </label>
      <DataTable label="Pins" columns={[{ label: "Pinned" }, { label: "Version" }, { label: "Owner" }, { label: "Reason" }, { label: "Expires" }, { label: "Hosts", align: "right" }, { label: "Not converged", align: "right" }, { label: "" }]} empty={show === "all" ? "Nothing is pinned." : "No pin matches."} isEmpty={q.isSuccess && items.length === 0}>
            {items.map((p) => {
              const soon = expiresSoon(p);
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
                  <td className={soon ? "text-amber-700" : ""}>{p.expiresAt ? <><Time iso={p.expiresAt} />{soon ? " (soon)" : ""}</> : "never"}</td>
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
      </DataTable>
      {canWrite ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">Pin a group or host</h2>
          <PinForm />
        </section>
      ) : null}
    </div>
  );
}
