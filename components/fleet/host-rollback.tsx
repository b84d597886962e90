"use client";

import { useState } from "react";
import { compareVersions } from "@/lib/update/version";
import { ApiError } from "../queries/api";
import { useRollbackHost } from "../queries/fleet";
import { buttonClass, ErrorText, inputClass } from "../ui/form";

/** Roll a host back to the version it ran before its last update. */
export function HostRollback({ hostId, previousVersion, osFamily, osVersion }: { hostId: string; previousVersion: string | null; osFamily: string; osVersion: string }) {
  const rollback = useRollbackHost(hostId);
  const [reason, setReason] = useState("");
  // After a rollback the "previous" version is the newer one the host came back from: going
  // there is an update, not a rollback, so the card offers nothing (lifting the pin does it).
  if (!previousVersion || compareVersions(previousVersion, osVersion) >= 0) return null;
  const replacesRollback = rollback.error instanceof ApiError && rollback.error.fields.some((f) => f.path === "replaceRollback");
  return (
    <section aria-label="Rollback" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Roll back</h2>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          rollback.mutate({ reason });
        }}
      >
        <input className={`${inputClass} max-w-md`} aria-label="Rollback reason" required placeholder="Why (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button className={buttonClass} type="submit" disabled={rollback.isPending}>
          Roll back to {previousVersion}
        </button>
      </form>
      {osFamily === "fcos" ? <p className="mt-2 text-xs text-slate-500">Fedora CoreOS rolls back on the host: Flotilla stops offering newer releases; run <code>sudo rpm-ostree rollback -r</code> there.</p> : null}
      {rollback.isSuccess ? (
        <p role="status" className="mt-2 text-sm text-green-700">
          Rollback to {previousVersion} ordered.{rollback.data.manual ? ` ${rollback.data.manual}` : ""}
        </p>
      ) : null}
      <ErrorText error={rollback.error} />
      {replacesRollback ? (
        <button type="button" className={`${buttonClass} mt-2`} disabled={rollback.isPending} onClick={() => rollback.mutate({ reason, replaceRollback: true })}>
          Replace the existing rollback
        </button>
      ) : null}
    </section>
  );
}
