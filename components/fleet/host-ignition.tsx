"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { hostFetchesQuery } from "../queries/ignition";
import { Time } from "../ui/time";

/** The Ignition configs this host fetched at first boot. */
export function HostIgnition({ hostId }: { hostId: string }) {
  const q = useQuery(hostFetchesQuery(hostId));
  if (!q.data || q.data.items.length === 0) return null;
  return (
    <section aria-label="Ignition fetches" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Ignition fetches</h2>
      <ul className="space-y-1 text-sm">
        {q.data.items.map((f) => (
          <li key={f.id}>
            <Time className="text-slate-500" iso={f.at} />{" "}
            <Link className="text-brand hover:underline" href={`/configs/${encodeURIComponent(f.configId)}`}>
              {f.configId} v{f.version}
            </Link>{" "}
            <code className="text-xs text-slate-500" title={`sha512-${f.sha512}`}>
              sha512-{f.sha512.slice(0, 16)}…
            </code>{" "}
            <span className="text-xs text-slate-500">from {f.clientAddr}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
