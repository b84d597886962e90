"use client";

import { useState } from "react";
import { ApiError } from "../queries/api";
import { PreviewSummary } from "../approvals/preview-summary";
import { useSetPin } from "../queries/catalog";
import { usePreview } from "../queries/preview";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

/** Pin a group or a host to a version; with `fixed`, scope and target are given (host page). */
export function PinForm({ fixed }: { fixed?: { scope: "group" | "host"; targetId: string } }) {
  const setPin = useSetPin();
  const [f, setF] = useState({ scope: fixed?.scope ?? "group", targetId: fixed?.targetId ?? "", version: "", reason: "", expires: "" });
  const submit = (replaceRollback: boolean) =>
    setPin.mutate(
      { scope: f.scope as "group" | "host", targetId: f.targetId, version: f.version, reason: f.reason, expiresAt: f.expires ? new Date(f.expires).toISOString() : null, replaceRollback },
      { onSuccess: () => setF({ ...f, version: "", reason: "", expires: "" }) },
    );
  // The API refuses to replace a rollback silently (409 replaces_rollback): the operator confirms.
  // A pin that reaches an approval-required group waits (202); otherwise it is set.
  const waiting = setPin.data && "requestId" in setPin.data ? setPin.data : null;
  const pinned = setPin.data && !("requestId" in setPin.data) ? setPin.data : null;
  const replacesRollback = setPin.error instanceof ApiError && setPin.error.fields.some((x) => x.path === "replaceRollback");
  // What the pin would do to the hosts, before it is set (the same decision the agents get).
  const preview = usePreview(f.version && f.targetId ? { kind: "pin", scope: f.scope as "group" | "host", targetId: f.targetId, version: f.version, allowDowngrade: false } : null);
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  return (
    <form
      aria-label={fixed ? "Pin this host" : "New pin"}
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit(false);
      }}
    >
      {fixed ? null : (
        <>
          <Field label="Scope">
            <select className={inputClass} value={f.scope} onChange={set("scope")}>
              <option value="group">group</option>
              <option value="host">host</option>
            </select>
          </Field>
          <Field label="Group or machine id">
            <input className={inputClass} required value={f.targetId} onChange={set("targetId")} />
          </Field>
        </>
      )}
      <Field label="Pin to version">
        <input className={inputClass} required value={f.version} onChange={set("version")} placeholder="4081.2.0" />
      </Field>
      <Field label="Reason">
        <input className={inputClass} required value={f.reason} onChange={set("reason")} />
      </Field>
      <Field label="Expires (optional)">
        <input className={inputClass} type="datetime-local" value={f.expires} onChange={set("expires")} />
      </Field>
      <button className={buttonClass} type="submit" disabled={setPin.isPending}>
        Pin
      </button>
      <div className="w-full">
        <ErrorText error={setPin.error} />
        {replacesRollback ? (
          <button type="button" className={`${buttonClass} mt-1`} disabled={setPin.isPending} onClick={() => submit(true)}>
            Replace the rollback with this pin
          </button>
        ) : null}
        {waiting ? (
          <p role="status" className="text-sm text-amber-700">
            Waits for {waiting.approvalsRequired} approval{waiting.approvalsRequired === 1 ? "" : "s"}: it reaches {waiting.groups.join(", ")}.
          </p>
        ) : pinned ? (
          <div role="status" className="text-sm">
            <p className="text-green-700">Pinned to {pinned.version}.</p>
            <p>
              Reaches {pinned.reach.hosts} host{pinned.reach.hosts === 1 ? "" : "s"}
              {Object.entries(pinned.reach.byFamily).map(([fam, r]) => ` · ${fam}: ${r.hosts} (${r.willMove} will move)`)}.
            </p>
            {pinned.warnings.map((w) => (
              <p key={w} className="text-amber-700">
                {w}
              </p>
            ))}
          </div>
        ) : null}
        {preview.data && f.version && f.targetId ? <PreviewSummary preview={preview.data} title="Preview" /> : null}
      </div>
    </form>
  );
}
