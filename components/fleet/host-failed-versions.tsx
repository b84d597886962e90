"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { hostFailedVersionsQuery, useRetryFailedVersion, type FailedVersion } from "../queries/fleet";
import { buttonClass, ErrorText, inputClass } from "../ui/form";
import { Ago } from "../ui/time";

const SOURCE: Record<string, string> = { omaha_rollback: "GRUB fell back (update_engine error 44)", native_rollback: "agent rolled back" };

/** Versions that failed to boot here: never offered to this host again until an operator retries. */
export function HostFailedVersions({ hostId, canWrite }: { hostId: string; canWrite: boolean }) {
  const { data } = useQuery(hostFailedVersionsQuery(hostId));
  const items = data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Failed versions" className="rounded-lg border border-red-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Versions that failed on this host</h2>
      <ul className="space-y-3">
        {items.map((f) => (
          <li key={f.version} className="text-sm">
            <FailedVersionRow hostId={hostId} f={f} canWrite={canWrite} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function FailedVersionRow({ hostId, f, canWrite }: { hostId: string; f: FailedVersion; canWrite: boolean }) {
  const retry = useRetryFailedVersion(hostId);
  const [reason, setReason] = useState("");
  return (
    <div>
      <p>
        <span className="font-mono font-semibold">{f.version}</span> — {SOURCE[f.source] ?? f.source}
        {f.failures > 1 ? `, ${f.failures} times` : ""}, last <Ago iso={f.lastFailedAt} />.{" "}
        {f.retriedAt ? (
          <span className="text-slate-500">
            Retried by {f.retriedBy} <Ago iso={f.retriedAt} />.
          </span>
        ) : (
          <span className="text-red-700">Not offered to this host again.</span>
        )}
      </p>
      {canWrite && !f.retriedAt ? (
        <form
          className="mt-1 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            retry.mutate({ version: f.version, reason });
          }}
        >
          <input className={`${inputClass} max-w-md`} aria-label={`Reason to retry ${f.version}`} required placeholder="Why retry (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button className={buttonClass} type="submit" disabled={retry.isPending}>
            Retry {f.version} on this host
          </button>
        </form>
      ) : null}
      <ErrorText error={retry.error} />
    </div>
  );
}
