"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { fleetLockQuery, useReleaseRebootSlot, useSetRebootSlots } from "../queries/catalog";
import { useCan } from "../session-context";
import { ErrorText } from "../ui/form";
import { Ago } from "../ui/time";

/** FleetLock semaphores: who holds a reboot slot, since when; release a stuck one. */
export function RebootSlots() {
  const q = useQuery(fleetLockQuery());
  const canWrite = useCan("fleet:write");
  const setSlots = useSetRebootSlots();
  const release = useReleaseRebootSlot();
  return (
    <div className="space-y-4">
      <ErrorText error={q.error ?? setSlots.error ?? release.error} />
      {q.data?.items.length === 0 ? <p className="text-sm text-slate-500">No host has asked for a reboot slot yet.</p> : null}
      {q.data?.items.map((s) => (
        <section key={s.id} aria-label={`Reboot group ${s.id}`} className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="font-semibold">{s.id}</h2>
            <span className="text-sm text-slate-600">
              {s.holders.length} of {s.totalSlots} slots held
            </span>
            {canWrite ? (
              <label className="text-xs text-slate-600">
                Slots{" "}
                <input
                  aria-label={`Slots of ${s.id}`}
                  className="w-16 rounded border border-slate-300 px-1"
                  type="number"
                  min={0}
                  defaultValue={s.totalSlots}
                  onBlur={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isInteger(n) && n !== s.totalSlots) setSlots.mutate({ group: s.id, totalSlots: n });
                  }}
                />
              </label>
            ) : null}
          </div>
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {s.holders.map((h) => (
              <li key={h.holderId} className="flex items-center gap-3 py-1">
                <Link className="font-mono text-brand hover:underline" href={`/hosts/${h.holderId}`}>
                  {h.holderId}
                </Link>
                <span className="text-slate-500">
                  since <Ago iso={h.acquiredAt} />
                </span>
                {canWrite ? (
                  <button type="button" className="ml-auto underline" onClick={() => release.mutate({ group: s.id, holderId: h.holderId, reason: "released by operator" })}>
                    Release
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
