"use client";

import { useState } from "react";
import type { ConfigDetail } from "../queries/ignition";
import { useCreateAssignment, useDeleteAssignment } from "../queries/ignition";
import { useCan } from "../session-context";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

/** "key=value, key=value" → a record (selectors, variables). */
function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

const pairs = (r: Record<string, string>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

type Served = ConfigDetail["assignments"][number]["served"];

/** The URLs an assignment serves and the hash of exactly those bytes (capabilities: editors only). */
function ServedUrls({ served, origin }: { served: Served; origin: string }) {
  if (served.problem) return <p className="text-xs text-red-700">serves nothing: {served.problem}</p>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
      {served.bootPath ? (
        <>
          <dt className="text-slate-500">boot URL</dt>
          <dd>
            <code className="break-all" aria-label="boot URL">{`${origin}${served.bootPath}`}</code>
          </dd>
        </>
      ) : null}
      {served.path ? (
        <>
          <dt className="text-slate-500">v{served.version} merge URL</dt>
          <dd>
            <code className="break-all" aria-label="merge URL">{`${origin}${served.path}`}</code>
          </dd>
        </>
      ) : null}
      <dt className="text-slate-500">hash</dt>
      <dd>
        <code className="break-all" aria-label="hash">
          sha512-{served.sha512}
        </code>
      </dd>
      {!served.bootPath ? <dd className="col-span-2 text-slate-500">URLs are capabilities: editors see them.</dd> : null}
    </dl>
  );
}

export function AssignmentsPanel({ config }: { config: ConfigDetail }) {
  const canWrite = useCan("fleet:write");
  const create = useCreateAssignment();
  const remove = useDeleteAssignment();
  const [f, setF] = useState({ name: "", selectors: "", variables: "", version: "" });
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <section aria-label="Assignments" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-sm font-semibold text-slate-700">Served to (selectors)</h2>
      <p className="text-xs text-slate-500">
        Hosts fetch <code>{origin}/ignition?uuid=…&amp;mac=…&amp;hostname=…</code>; the assignment with the most matching selectors wins, one without selectors is the
        default. Configs that hold secrets are served only through an assignment&apos;s boot URL (a capability: treat it like a password). Variables get their
        values from the assignment, so each URL below serves exactly the bytes of its hash.
      </p>
      <ErrorText error={create.error ?? remove.error} />
      <ul className="divide-y divide-slate-100 text-sm">
        {config.assignments.map((a) => (
          <li key={a.id} className="space-y-1 py-2" data-testid={`assignment-${a.name}`}>
            <div className="flex items-center gap-3">
              <span className="font-medium">{a.name}</span>
              <code className="text-xs">{pairs(a.selectors) || "(default: no selectors)"}</code>
              {Object.keys(a.variables).length > 0 ? <code className="text-xs text-sky-800">{`variables: ${pairs(a.variables)}`}</code> : null}
              <span className="text-xs text-slate-500">{a.version ? `v${a.version}` : "published version"}</span>
              {canWrite ? (
                <button type="button" className="ml-auto text-xs underline" onClick={() => remove.mutate(a.id)}>
                  Remove
                </button>
              ) : null}
            </div>
            <ServedUrls served={a.served} origin={origin} />
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form
          aria-label="New assignment"
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { name: f.name, configId: config.id, version: f.version ? Number(f.version) : null, selectors: parsePairs(f.selectors), variables: parsePairs(f.variables) },
              { onSuccess: () => setF({ name: "", selectors: "", variables: "", version: "" }) },
            );
          }}
        >
          <Field label="Assignment name">
            <input className={inputClass} required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          </Field>
          <Field label="Selectors (key=value, …)">
            <input className={inputClass} value={f.selectors} onChange={(e) => setF({ ...f, selectors: e.target.value })} placeholder="mac=52:54:00:12:34:56" />
          </Field>
          <Field label="Variables (key=value, …)">
            <input className={inputClass} value={f.variables} onChange={(e) => setF({ ...f, variables: e.target.value })} placeholder="hostname=edge-01" />
          </Field>
          <Field label="Version (empty: published)">
            <input className={`${inputClass} w-28`} inputMode="numeric" value={f.version} onChange={(e) => setF({ ...f, version: e.target.value })} />
          </Field>
          <button className={buttonClass} type="submit">
            Assign
          </button>
        </form>
      ) : null}
    </section>
  );
}
