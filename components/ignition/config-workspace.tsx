"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { compileConfig, type ConfigFormat } from "@/lib/ignition/compile";
import { servingNotes } from "@/lib/ignition/serving-notes";
import { configQuery, configVersionQuery, useSaveVersion } from "../queries/ignition";
import { useCan } from "../session-context";
import { buttonClass, ErrorText, inputClass } from "../ui/form";
import { AssignmentsPanel } from "./assignments-panel";
import { ConfigEditor } from "./config-editor";
import { DiffView } from "./diff-view";
import { VersionsTable } from "./versions-table";

interface Draft {
  base: number;
  format: ConfigFormat;
  text: string;
}

/** One config: the editor on a version, live validation, versions, diff and assignments. */
export function ConfigWorkspace({ configId }: { configId: string }) {
  const config = useQuery(configQuery(configId));
  const canWrite = useCan("fleet:write");
  const [opened, setOpened] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState("");
  const [diff, setDiff] = useState<{ from: number; to: number } | null>(null);
  const save = useSaveVersion(configId);

  const current = opened ?? config.data?.latestVersion ?? 0;
  const version = useQuery({ ...configVersionQuery(configId, current), enabled: current > 0 });
  // The editor shows the operator's edits on top of the opened version.
  const format: ConfigFormat = draft?.base === current ? draft.format : (version.data?.format ?? "ignition");
  const text = draft?.base === current ? draft.text : (version.data?.source ?? version.data?.rendered ?? "");
  const compiled = useMemo(() => compileConfig(format, text), [format, text]);
  const notes = useMemo(() => servingNotes(format, text, compiled), [format, text, compiled]);
  const dirty = draft?.base === current && draft.text !== (version.data?.source ?? "");

  if (config.isPending) return <p className="text-slate-500">Loading config…</p>;
  if (config.error) return <ErrorText error={config.error} />;
  const c = config.data;

  const submit = (asDraft: boolean) =>
    save.mutate(
      { format, source: text, message, draft: asDraft },
      {
        onSuccess: (v) => {
          setMessage("");
          setDraft(null);
          setOpened(v.version);
          if (v.version > 1) setDiff({ from: v.version - 1, to: v.version });
        },
      },
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">{c.id}</h1>
        <span className="text-sm text-slate-500">{c.description}</span>
        <span className="text-sm">
          editing v{current} of v{c.latestVersion} · published: {c.publishedVersion ? `v${c.publishedVersion}` : "none"}
        </span>
        {version.data?.redacted ? <span className="rounded bg-slate-100 px-1.5 text-xs">secrets redacted</span> : null}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-2">
          <div className="flex items-center gap-2 text-sm">
            <label className="text-xs text-slate-600">
              Written as{" "}
              <select
                className="rounded border border-slate-300 px-1"
                value={format}
                disabled={!canWrite}
                onChange={(e) => setDraft({ base: current, format: e.target.value as ConfigFormat, text })}
              >
                <option value="ignition">Ignition JSON</option>
                <option value="butane">Butane YAML</option>
              </select>
            </label>
            {dirty ? <span className="text-xs text-amber-700">unsaved changes</span> : null}
          </div>
          <ConfigEditor label="config source" value={text} format={format} readOnly={!canWrite || version.data?.redacted === true} onChange={(t) => setDraft({ base: current, format, text: t })} />
          {notes.secrets.length > 0 ? (
            <p role="note" aria-label="Holds secrets" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
              This config holds secrets ({notes.secrets.join(", ")}). Hosts get it only through an assignment&apos;s capability URL (shown under
              &ldquo;Served to&rdquo;); its name+version URL and selector matching do not serve it.
            </p>
          ) : null}
          {notes.variables.length > 0 ? (
            <p role="note" aria-label="Uses variables" className="rounded border border-sky-200 bg-sky-50 p-2 text-sm text-sky-900">
              Uses variables {notes.variables.map((v) => `{{${v}}}`).join(", ")}: each assignment gives their values, so every host&apos;s bytes and hash are known
              before it boots.
            </p>
          ) : null}
          <section aria-label="Problems" className="text-sm">
            {compiled.errors.length === 0 && compiled.warnings.length === 0 ? <p className="text-green-700">Valid Ignition {compiled.specVersion}.</p> : null}
            <ul className="space-y-0.5">
              {compiled.errors.map((e, i) => (
                <li key={`e${i}`} className="text-red-700">
                  error at {e.path}, line {e.line} col {e.column}: {e.message}
                </li>
              ))}
              {[...compiled.warnings, ...notes.warnings].map((w, i) => (
                <li key={`w${i}`} className="text-amber-700">
                  warning at {w.path}, line {w.line} col {w.column}: {w.message}
                </li>
              ))}
            </ul>
          </section>
          {canWrite ? (
            <div className="flex flex-wrap items-center gap-2">
              <input className={`${inputClass} max-w-sm`} aria-label="Change message" placeholder="What changed and why" value={message} onChange={(e) => setMessage(e.target.value)} />
              <button className={buttonClass} type="button" disabled={!compiled.valid || save.isPending} onClick={() => submit(false)}>
                Save version
              </button>
              <button className="rounded border border-slate-300 px-3 py-1.5 text-sm" type="button" disabled={save.isPending} onClick={() => submit(true)}>
                Save as draft
              </button>
            </div>
          ) : null}
          <ErrorText error={save.error} />
        </div>
        <section aria-label="Translated Ignition" className="space-y-2">
          <h2 className="text-sm font-semibold text-slate-700">{format === "butane" ? "Translated Ignition" : "Served Ignition"}</h2>
          <pre data-testid="translated" className="max-h-[560px] overflow-auto rounded border border-slate-200 bg-white p-3 text-xs">
            {compiled.rendered ?? "(fix the errors to see the output)"}
          </pre>
        </section>
      </div>
      {diff ? <DiffView configId={c.id} from={diff.from} to={diff.to} /> : null}
      <VersionsTable
        config={c}
        onDiff={(from, to) => setDiff({ from, to })}
        onOpen={(v) => {
          setOpened(v);
          setDraft(null);
        }}
      />
      <AssignmentsPanel config={c} />
    </div>
  );
}
