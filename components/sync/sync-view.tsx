"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { FCOS_GRAPH_URL, FCOS_STREAMS_URL, FLATCAR_PUBLIC_OMAHA } from "@/lib/sync/defaults";
import type { SyncAdded } from "@/lib/sync/types";
import { channelsQuery } from "../queries/fleet";
import { syncSourcesQuery, useCreateSyncSource, useDeleteSyncSource, useRunSyncSource, useUpdateSyncSource, type SyncSource } from "../queries/sync";
import { useCan } from "../session-context";
import { DataTable } from "../ui/data-table";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";
import { Ago } from "../ui/time";

function addedText(added: SyncAdded[]): string {
  if (!added.length) return "nothing new";
  const words: Record<SyncAdded["action"], string> = { created: "added", added_to_channel: "added to channel", mirrored: "mirrored", updated_flags: "flags updated" };
  return added.map((a) => `${a.version} ${words[a.action]}`).join(", ");
}

function when(iso: string | null): React.ReactNode {
  if (!iso) return <span className="text-slate-400">—</span>;
  const d = new Date(iso);
  return d.getTime() > Date.now() ? <time dateTime={iso}>{d.toLocaleTimeString()}</time> : <Ago iso={iso} />;
}

function SourceRow({ s, canWrite }: { s: SyncSource; canWrite: boolean }) {
  const run = useRunSyncSource();
  const update = useUpdateSyncSource();
  const remove = useDeleteSyncSource();
  return (
    <tr>
      <td className="px-3 py-1.5 align-top font-medium">
        {s.id}
        <div className="text-xs font-normal text-slate-500">
          {s.kind} · {s.upstreamChannel} · every {s.intervalMinutes} min{s.mirror ? " · mirrors payloads" : ""}
        </div>
      </td>
      <td className="max-w-xs truncate align-top font-mono text-xs text-slate-500">{s.upstreamUrl}</td>
      <td className="align-top">{s.enabled ? "on" : "off"}</td>
      <td className="align-top">{when(s.lastRunAt)}</td>
      <td className="align-top">{s.enabled ? when(s.nextRunAt) : <span className="text-slate-400">off</span>}</td>
      <td className="align-top text-xs" aria-label={`Last result of ${s.id}`}>
        {s.lastError ? (
          <span className="text-red-700">
            {s.lastError}
            {s.failures > 1 ? ` (${s.failures} failures in a row)` : ""}
          </span>
        ) : s.lastRunAt ? (
          addedText(s.lastAdded)
        ) : (
          <span className="text-slate-400">not run yet</span>
        )}
        {s.recentRuns.length > 1 ? (
          <details className="mt-1 text-slate-500">
            <summary>Earlier runs</summary>
            <ul aria-label={`Runs of ${s.id}`}>
              {s.recentRuns.map((r) => (
                <li key={r.id}>
                  {new Date(r.startedAt).toLocaleString()}: {r.ok ? addedText(r.added) : <span className="text-red-700">{r.error}</span>}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </td>
      <td className="space-x-2 whitespace-nowrap align-top text-xs">
        {canWrite ? (
          <>
            <button type="button" className="underline" disabled={run.isPending} onClick={() => run.mutate(s.id)} aria-label={`Run ${s.id} now`}>
              {run.isPending ? "Running…" : "Run now"}
            </button>
            <button type="button" className="underline" onClick={() => update.mutate({ id: s.id, enabled: !s.enabled })}>
              {s.enabled ? "Disable" : "Enable"}
            </button>
            <button type="button" className="underline" onClick={() => remove.mutate(s.id)} aria-label={`Remove ${s.id}`}>
              Remove
            </button>
            <ErrorText error={run.error ?? update.error ?? remove.error} />
          </>
        ) : null}
      </td>
    </tr>
  );
}

const EMPTY = { kind: "flatcar", channelId: "", arch: "amd64", upstreamUrl: "", graphUrl: "", upstreamChannel: "", intervalMinutes: "60", mirror: false, enabled: false };

function NewSourceForm() {
  const channels = useQuery(channelsQuery());
  const create = useCreateSyncSource();
  const [f, setF] = useState(EMPTY);
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target instanceof HTMLInputElement && e.target.type === "checkbox" ? e.target.checked : e.target.value });
  const flatcar = f.kind === "flatcar";
  return (
    <form
      aria-label="New sync source"
      className="grid grid-cols-1 gap-2 md:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          {
            kind: f.kind,
            channelId: f.channelId,
            arch: f.arch,
            ...(f.upstreamUrl ? { upstreamUrl: f.upstreamUrl } : {}),
            ...(!flatcar && f.graphUrl ? { graphUrl: f.graphUrl } : {}),
            ...(f.upstreamChannel ? { upstreamChannel: f.upstreamChannel } : {}),
            intervalMinutes: Number(f.intervalMinutes) || 60,
            mirror: flatcar && f.mirror,
            enabled: f.enabled,
          },
          { onSuccess: () => setF(EMPTY) },
        );
      }}
    >
      <Field label="Upstream kind">
        <select className={inputClass} value={f.kind} onChange={set("kind")}>
          <option value="flatcar">Flatcar (Omaha)</option>
          <option value="fcos">Fedora CoreOS (stream + graph)</option>
        </select>
      </Field>
      <Field label="Channel">
        <select className={inputClass} required value={f.channelId} onChange={set("channelId")}>
          <option value="">choose…</option>
          {channels.data?.items
            .filter((c) => c.osFamily === f.kind)
            .map((c) => (
              <option key={c.id}>{c.id}</option>
            ))}
        </select>
      </Field>
      <Field label="Arch">
        <select className={inputClass} value={f.arch} onChange={set("arch")}>
          <option>amd64</option>
          <option>arm64</option>
        </select>
      </Field>
      <Field label={flatcar ? "Upstream track" : "Upstream stream"}>
        <input className={inputClass} value={f.upstreamChannel} onChange={set("upstreamChannel")} placeholder="the channel's name" />
      </Field>
      <div className="md:col-span-2">
        <Field label={flatcar ? "Omaha server URL" : "Stream metadata URL"}>
          <input className={inputClass} type="url" value={f.upstreamUrl} onChange={set("upstreamUrl")} placeholder={flatcar ? FLATCAR_PUBLIC_OMAHA : FCOS_STREAMS_URL} />
        </Field>
      </div>
      {!flatcar ? (
        <div className="md:col-span-2">
          <Field label="Update graph URL">
            <input className={inputClass} type="url" value={f.graphUrl} onChange={set("graphUrl")} placeholder={FCOS_GRAPH_URL} />
          </Field>
        </div>
      ) : null}
      <Field label="Every (minutes)">
        <input className={inputClass} type="number" min={1} value={f.intervalMinutes} onChange={set("intervalMinutes")} />
      </Field>
      {flatcar ? (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={f.mirror} onChange={set("mirror")} /> Mirror payloads
        </label>
      ) : null}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={f.enabled} onChange={set("enabled")} /> Enabled
      </label>
      <div className="md:col-span-4">
        <button type="submit" className={buttonClass} disabled={create.isPending}>
          Add sync source
        </button>
        <ErrorText error={create.error} />
      </div>
    </form>
  );
}

/** Upstream release sync: each source's last and next run, what it added, and its errors. */
export function SyncView() {
  const sources = useQuery(syncSourcesQuery());
  const canWrite = useCan("fleet:write");
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        Flotilla imports releases from upstream only for sources you add and enable here. A failed run says why and is retried with a backoff that doubles up to the interval.
      </p>
      <ErrorText error={sources.error} />
      <DataTable
        label="Sync sources"
        columns={[{ label: "Source" }, { label: "Upstream" }, { label: "Enabled" }, { label: "Last run" }, { label: "Next run" }, { label: "Result" }, { label: "" }]}
        empty="No sync sources yet."
        isEmpty={sources.data?.items.length === 0}
      >
        {sources.data?.items.map((s) => <SourceRow key={s.id} s={s} canWrite={canWrite} />)}
      </DataTable>
      {canWrite ? (
        <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Add a sync source</h2>
          <NewSourceForm />
        </section>
      ) : null}
    </div>
  );
}
