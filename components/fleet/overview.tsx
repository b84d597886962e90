"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { HistoryCharts } from "../history/history-charts";
import { overviewQuery } from "../queries/fleet";
import { BarList } from "../ui/bar-list";
import { ErrorText } from "../ui/form";
import { Ago } from "../ui/time";

function Stat({ label, value, href, tone }: { label: string; value: number; href: string; tone?: "bad" }) {
  return (
    <Link href={href} className="rounded-lg border border-slate-200 bg-white p-4 hover:border-brand">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${tone === "bad" && value > 0 ? "text-red-700" : ""}`}>{value.toLocaleString()}</div>
    </Link>
  );
}

const hostsWith = (key: string, value: string) => `/hosts?${new URLSearchParams({ [key]: value }).toString()}`;

export function Overview() {
  const { data, error, isPending } = useQuery(overviewQuery());
  if (isPending) return <p className="text-slate-500">Loading fleet…</p>;
  if (error) return <ErrorText error={error} />;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label="Hosts" value={data.total} href="/hosts" />
        <Stat label="In error" value={data.inError} href={hostsWith("state", "error")} tone="bad" />
        <Stat label="Rolled back" value={data.rolledBack} href={hostsWith("state", "rolled_back")} tone="bad" />
        <Stat label="Not seen for 24 h" value={data.stale} href={hostsWith("stale", "true")} tone="bad" />
        <Stat label="Failing health checks" value={data.unhealthy} href="/hosts" tone="bad" />
      </div>
      <HistoryCharts />
      <div className="grid gap-4 md:grid-cols-3">
        <BarList title="By version" rows={data.byVersion} href={(k) => hostsWith("version", k)} />
        <BarList title="By update state" rows={data.byState} href={(k) => hostsWith("state", k)} />
        <BarList title="By OS" rows={data.byOs} href={(k) => hostsWith("os", k)} />
        <BarList title="By group" rows={data.byGroup.map((g) => ({ key: g.key, count: g.count, note: g.channel ?? undefined }))} href={(k) => hostsWith("group", k)} />
        <BarList title="By channel" rows={data.byChannel} href={(k) => (k === "(no channel)" ? "/groups" : hostsWith("channel", k))} />
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <section aria-label="Hosts in error" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 text-sm font-semibold text-slate-700">Hosts in error</h2>
          {data.errorHosts.length === 0 ? <p className="text-sm text-slate-500">None.</p> : null}
          <ul className="divide-y divide-slate-100 text-sm">
            {data.errorHosts.map((h) => (
              <li key={h.id} className="py-1.5">
                <Link className="text-brand hover:underline" href={`/hosts/${h.id}`}>
                  {h.hostname || h.id}
                </Link>{" "}
                <span className="text-slate-500">
                  {h.osVersion} · {h.errorCode} {h.errorMessage} · <Ago iso={h.lastSeenAt} />
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label="Hosts not seen for 24 h" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 text-sm font-semibold text-slate-700">Not seen for 24 h</h2>
          {data.staleHosts.length === 0 ? <p className="text-sm text-slate-500">None.</p> : null}
          <ul className="divide-y divide-slate-100 text-sm">
            {data.staleHosts.map((h) => (
              <li key={h.id} className="py-1.5">
                <Link className="text-brand hover:underline" href={`/hosts/${h.id}`}>
                  {h.hostname || h.id}
                </Link>{" "}
                <span className="text-slate-500">
                  {h.osVersion} · last seen <Ago iso={h.lastSeenAt} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
