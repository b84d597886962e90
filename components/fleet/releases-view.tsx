"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { OS_FAMILY_VALUES } from "@/lib/agent/native-report";
import { releasesQuery, useCreateRelease, useEditRelease, useImportReleases, useRecallRelease } from "../queries/catalog";
import { channelsQuery } from "../queries/fleet";
import { useCan } from "../session-context";
import { DataTable } from "../ui/data-table";
import { MirrorButton, PromoteButton } from "./release-actions";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

const EMPTY = { osFamily: "flatcar", channelId: "", version: "", arch: "amd64", payloadUrl: "", payloadName: "flatcar_production_update.gz", sizeBytes: "", sha1Base64: "", sha256Base64: "", ostreeChecksum: "", ociPullspec: "" };

function NewReleaseForm() {
  const channels = useQuery(channelsQuery());
  const create = useCreateRelease();
  const [f, setF] = useState(EMPTY);
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  const flatcar = f.osFamily === "flatcar";
  return (
    <form
      aria-label="New release"
      className="grid grid-cols-1 gap-2 md:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        const payload = flatcar
          ? { payloadUrl: f.payloadUrl, payloadName: f.payloadName, sizeBytes: Number(f.sizeBytes), sha1Base64: f.sha1Base64, sha256Base64: f.sha256Base64 }
          : { ostreeChecksum: f.ostreeChecksum.trim() || null, ociPullspec: f.ociPullspec.trim() || null };
        create.mutate({ osFamily: f.osFamily, channelId: f.channelId, version: f.version, arch: f.arch, ...payload }, { onSuccess: () => setF({ ...EMPTY, osFamily: f.osFamily, channelId: f.channelId }) });
      }}
    >
      <Field label="OS family">
        <select className={inputClass} value={f.osFamily} onChange={set("osFamily")}>
          {OS_FAMILY_VALUES.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </Field>
      <Field label="Channel">
        <select className={inputClass} required value={f.channelId} onChange={set("channelId")}>
          <option value="">choose…</option>
          {channels.data?.items
            .filter((c) => c.osFamily === f.osFamily)
            .map((c) => (
              <option key={c.id}>{c.id}</option>
            ))}
        </select>
      </Field>
      <Field label="Version">
        <input className={inputClass} required value={f.version} onChange={set("version")} placeholder="4081.2.0" />
      </Field>
      <Field label="Architecture">
        <input className={inputClass} required value={f.arch} onChange={set("arch")} />
      </Field>
      {flatcar ? (
        <>
          <Field label="Payload base URL">
            <input className={inputClass} required value={f.payloadUrl} onChange={set("payloadUrl")} placeholder="https://update.release.flatcar-linux.net/amd64-usr/4081.2.0/" />
          </Field>
          <Field label="Package name">
            <input className={inputClass} required value={f.payloadName} onChange={set("payloadName")} />
          </Field>
          <Field label="Size (bytes)">
            <input className={inputClass} required inputMode="numeric" value={f.sizeBytes} onChange={set("sizeBytes")} />
          </Field>
          <Field label="SHA-1 (base64)">
            <input className={inputClass} required value={f.sha1Base64} onChange={set("sha1Base64")} />
          </Field>
          <Field label="SHA-256 (base64)">
            <input className={inputClass} required value={f.sha256Base64} onChange={set("sha256Base64")} />
          </Field>
        </>
      ) : (
        <>
          <Field label="OSTree checksum">
            <input className={inputClass} value={f.ostreeChecksum} onChange={set("ostreeChecksum")} />
          </Field>
          <Field label="OCI image pullspec">
            <input className={inputClass} value={f.ociPullspec} onChange={set("ociPullspec")} placeholder="quay.io/fedora/fedora-coreos@sha256:…" />
          </Field>
        </>
      )}
      <div className="flex items-end">
        <button className={buttonClass} type="submit" disabled={create.isPending}>
          Add release
        </button>
      </div>
      <div className="md:col-span-4">
        <ErrorText error={create.error} />
      </div>
    </form>
  );
}

function ImportForm() {
  const importer = useImportReleases();
  const [parseError, setParseError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <label className="text-sm">
        Import a JSON file (<code>{'{"releases": [...]}'}</code>)
        <input
          className="mt-1 block text-sm"
          type="file"
          accept="application/json,.json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setParseError(null);
            try {
              importer.mutate(JSON.parse(await file.text()) as unknown);
            } catch {
              setParseError(`${file.name} is not valid JSON`);
            }
            e.target.value = "";
          }}
        />
      </label>
      {importer.data ? <p role="status" className="text-sm text-green-700">Imported {importer.data.imported} releases.</p> : null}
      <ErrorText error={parseError ?? importer.error} />
    </div>
  );
}

/** Hosts booted from an image (Zincati oci=true) are served this pullspec; it can be added after the release. */
function OciPullspecEditor({ id, version, arch, value }: { id: string; version: string; arch: string; value: string | null }) {
  const edit = useEditRelease();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(value ?? "");
  if (!open) {
    return (
      <button type="button" className="ml-2 underline" onClick={() => setOpen(true)}>
        {value ? "Edit image" : "Add image"}
      </button>
    );
  }
  return (
    <form
      className="mt-1 flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        edit.mutate({ id, ociPullspec: draft.trim() || null }, { onSuccess: () => setOpen(false) });
      }}
    >
      <input aria-label={`OCI image pullspec for ${version} ${arch}`} className="w-96 rounded border border-slate-300 px-1 font-mono" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="quay.io/fedora/fedora-coreos@sha256:…" />
      <button type="submit" className="underline" disabled={edit.isPending}>
        Save image
      </button>
      <ErrorText error={edit.error} />
    </form>
  );
}

function RecallButton({ id, version }: { id: string; version: string }) {
  const recall = useRecallRelease();
  const [reason, setReason] = useState("");
  const [open, setOpen] = useState(false);
  const [rollouts, setRollouts] = useState<"end" | "pause">("end");
  if (recall.isSuccess) {
    const n = recall.data.rollouts.length;
    return (
      <span role="status" className="ml-2 text-red-700">
        {version} recalled{n ? `; ${n} live rollout${n === 1 ? "" : "s"} ${rollouts === "end" ? "ended" : "paused"}` : ""}.
      </span>
    );
  }
  if (!open) {
    return (
      <button type="button" className="ml-2 underline" onClick={() => setOpen(true)}>
        Recall
      </button>
    );
  }
  return (
    <span className="ml-2 inline-flex items-center gap-1">
      <input aria-label={`Recall reason for ${version}`} className="rounded border border-slate-300 px-1" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason" />
      <select aria-label={`Live rollouts of ${version}`} className="rounded border border-slate-300 px-1" value={rollouts} onChange={(e) => setRollouts(e.target.value as "end" | "pause")}>
        <option value="end">end its live rollouts</option>
        <option value="pause">pause its live rollouts</option>
      </select>
      <button type="button" className="text-red-700 underline" disabled={!reason.trim()} onClick={() => recall.mutate({ id, reason, rollouts })}>
        Recall {version}
      </button>
      <ErrorText error={recall.error} />
    </span>
  );
}

export function ReleasesView() {
  const releases = useQuery(releasesQuery());
  const canWrite = useCan("fleet:write");
  return (
    <div className="space-y-6">
      <ErrorText error={releases.error} />
      <DataTable label="Releases" columns={[{ label: "Version" }, { label: "OS" }, { label: "Channel" }, { label: "Arch" }, { label: "Payload" }, { label: "Flags" }]} empty="No releases yet." isEmpty={releases.data?.items.length === 0}>
            {releases.data?.items.map((r) => (
              <tr key={r.id}>
                <td className="px-3 py-1.5 font-medium tabular-nums">{r.version}</td>
                <td>{r.osFamily}</td>
                <td>{(r.channelIds ?? [r.channelId]).join(", ")}</td>
                <td>{r.arch}</td>
                <td className="max-w-md font-mono text-xs text-slate-500">
                  {r.osFamily === "fcos" ? (
                    <>
                      {r.ostreeChecksum ? <span className="block truncate" title={r.ostreeChecksum}>{r.ostreeChecksum}</span> : null}
                      {r.ociPullspec ? <span className="block truncate" title={r.ociPullspec}>{r.ociPullspec}</span> : null}
                      {canWrite && !r.recalled ? <OciPullspecEditor id={r.id} version={r.version} arch={r.arch} value={r.ociPullspec} /> : null}
                    </>
                  ) : (
                    <>
                      <span className="block truncate">{`${r.payloadUrl ?? ""}${r.payloadName ?? ""} (${(r.sizeBytes ?? 0).toLocaleString()} B)`}</span>
  {r.extensionPayloads?.length ? <span className="block truncate">extensions: {r.extensionPayloads.map((e) => `${e.name} (${e.sizeBytes.toLocaleString()} B)`).join(", ")}</span> : null}
                    </>
                  )}
                </td>
                <td className="text-xs">
                  {[r.barrier ? "barrier" : "", r.deadend ? "dead end" : "", r.recalled ? `recalled: ${r.recalled}` : ""].filter(Boolean).join(", ")}
                  {canWrite && !r.recalled ? <RecallButton id={r.id} version={r.version} /> : null}
                  {canWrite && !r.recalled ? <PromoteButton release={r} /> : null}
                  {canWrite && !r.recalled ? <MirrorButton release={r} /> : null}
                </td>
              </tr>
            ))}
      </DataTable>
      {canWrite ? (
        <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-semibold">Add a release</h2>
          <NewReleaseForm />
          <ImportForm />
        </section>
      ) : null}
    </div>
  );
}
