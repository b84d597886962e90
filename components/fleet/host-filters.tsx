"use client";

import { useState } from "react";
import { OS_FAMILY_VALUES, UPDATE_STATE_VALUES } from "@/lib/agent/native-report";
import { buttonClass, inputClass } from "../ui/form";

const TEXT_FILTERS = [
  { name: "q", label: "Search", placeholder: "hostname or machine id" },
  { name: "group", label: "Group", placeholder: "e.g. edge-berlin" },
  { name: "channel", label: "Channel", placeholder: "e.g. stable" },
  { name: "version", label: "Version", placeholder: "e.g. 4081.2.0" },
  { name: "label", label: "Label", placeholder: "key=value" },
] as const;

/** Filter form; submitting writes the filters into the URL, which drives the list. */
export function HostFilters({ params, onApply }: { params: URLSearchParams; onApply: (next: URLSearchParams) => void }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(params));
  const set = (k: string, v: string) => setValues((old) => ({ ...old, [k]: v }));
  return (
    <form
      role="search"
      aria-label="Filter hosts"
      className="grid grid-cols-2 items-end gap-2 md:grid-cols-8"
      onSubmit={(e) => {
        e.preventDefault();
        const next = new URLSearchParams();
        for (const [k, v] of Object.entries(values)) if (v.trim() && k !== "cursor") next.set(k, v.trim());
        onApply(next);
      }}
    >
      {TEXT_FILTERS.map((f) => (
        <label key={f.name} className="text-xs text-slate-600">
          {f.label}
          <input className={inputClass} name={f.name} placeholder={f.placeholder} value={values[f.name] ?? ""} onChange={(e) => set(f.name, e.target.value)} />
        </label>
      ))}
      <label className="text-xs text-slate-600">
        State
        <select className={inputClass} name="state" value={values.state ?? ""} onChange={(e) => set("state", e.target.value)}>
          <option value="">any</option>
          {UPDATE_STATE_VALUES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="text-xs text-slate-600">
        OS
        <select className={inputClass} name="os" value={values.os ?? ""} onChange={(e) => set("os", e.target.value)}>
          <option value="">any</option>
          {OS_FAMILY_VALUES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <div className="flex gap-2">
        <button className={buttonClass} type="submit">
          Apply
        </button>
        <button
          type="button"
          className="text-sm text-slate-600 underline"
          onClick={() => {
            setValues({});
            onApply(new URLSearchParams());
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
