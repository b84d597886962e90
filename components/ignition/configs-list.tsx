"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { configsQuery, useCreateConfig } from "../queries/ignition";
import { useCan } from "../session-context";
import { DataTable } from "../ui/data-table";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";
import { BUTANE_TEMPLATE, IGNITION_TEMPLATE } from "./snippets";

function NewConfigForm() {
  const router = useRouter();
  const create = useCreateConfig();
  const [f, setF] = useState({ id: "", format: "ignition" as "ignition" | "butane", description: "" });
  return (
    <form
      aria-label="New config"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const source = f.format === "butane" ? BUTANE_TEMPLATE : IGNITION_TEMPLATE;
        create.mutate({ ...f, source, message: "created from the template" }, { onSuccess: () => router.push(`/configs/${encodeURIComponent(f.id)}`) });
      }}
    >
      <Field label="Config name">
        <input className={inputClass} required value={f.id} onChange={(e) => setF({ ...f, id: e.target.value })} placeholder="edge-worker" />
      </Field>
      <Field label="Written as">
        <select className={inputClass} value={f.format} onChange={(e) => setF({ ...f, format: e.target.value as "ignition" | "butane" })}>
          <option value="ignition">Ignition JSON</option>
          <option value="butane">Butane YAML</option>
        </select>
      </Field>
      <Field label="Description">
        <input className={inputClass} value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} />
      </Field>
      <button className={buttonClass} type="submit" disabled={create.isPending}>
        Create config
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}

export function ConfigsList() {
  const q = useQuery(configsQuery());
  const canWrite = useCan("fleet:write");
  return (
    <div className="space-y-6">
      <ErrorText error={q.error} />
      <DataTable label="Configs" columns={[{ label: "Config" }, { label: "Description" }, { label: "Latest" }, { label: "Published" }]} empty="No configs yet." isEmpty={q.data?.items.length === 0}>
            {q.data?.items.map((c) => (
              <tr key={c.id}>
                <td className="px-3 py-1.5">
                  <Link className="font-medium text-brand hover:underline" href={`/configs/${encodeURIComponent(c.id)}`}>
                    {c.id}
                  </Link>
                </td>
                <td className="text-slate-600">{c.description}</td>
                <td>v{c.latestVersion}</td>
                <td>{c.publishedVersion ? `v${c.publishedVersion}` : <span className="text-slate-400">not served</span>}</td>
              </tr>
            ))}
      </DataTable>
      {canWrite ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 font-semibold">New config</h2>
          <NewConfigForm />
        </section>
      ) : null}
    </div>
  );
}
