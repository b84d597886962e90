"use client";

import { useQuery } from "@tanstack/react-query";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { historyChartsQuery } from "../queries/history";
import { ErrorText } from "../ui/form";
import { formatLocal } from "../ui/time";

const PALETTE = ["#1d4ed8", "#0891b2", "#059669", "#65a30d", "#ca8a04", "#ea580c", "#dc2626", "#db2777", "#7c3aed", "#475569"];

const tick = (bucket: "hour" | "day") => (iso: string) => (bucket === "day" ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`);

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-medium text-slate-700">{title}</figcaption>
      <div className="h-64">{children}</div>
    </figure>
  );
}

/** Version distribution, updates/failures per bucket and hosts by state, all from rollups. */
export function HistoryCharts({ bucket = "day" }: { bucket?: "hour" | "day" }) {
  const q = useQuery(historyChartsQuery(`bucket=${bucket}`));
  if (q.error) return <ErrorText error={q.error} />;
  if (!q.data) return <p className="text-slate-500">Loading charts…</p>;
  const { versions, activity, byState } = q.data;
  // Newest versions on top of the stack, in the wave order the series were found in.
  const series = versions.versions;
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="lg:col-span-2">
        <Card title={`Hosts per version (per ${versions.bucket})`}>
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={versions.points} margin={{ left: 8, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="bucket" tickFormatter={tick(versions.bucket)} fontSize={11} minTickGap={24} />
              <YAxis fontSize={11} tickFormatter={(v: number) => v.toLocaleString()} width={64} />
              <Tooltip labelFormatter={(l) => formatLocal(String(l))} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {series.map((v, i) => (
                <Area key={v} type="monotone" dataKey={v} stackId="versions" stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.55} isAnimationActive={false} />
              ))}
            </AreaChart>
          </ResponsiveContainer>
        </Card>
      </div>
      <Card title="Hosts by update state (now)">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={byState} layout="vertical" margin={{ left: 24, right: 8 }}>
            <XAxis type="number" fontSize={11} tickFormatter={(v: number) => v.toLocaleString()} />
            <YAxis type="category" dataKey="key" fontSize={11} width={80} />
            <Tooltip />
            <Bar dataKey="count" name="hosts" fill="#1d4ed8" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </Card>
      <div className="lg:col-span-3">
        <Card title={`Updates and failures per ${activity.bucket}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={activity.points} margin={{ left: 8, right: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="bucket" tickFormatter={tick(activity.bucket)} fontSize={11} minTickGap={24} />
              <YAxis fontSize={11} tickFormatter={(v: number) => v.toLocaleString()} width={64} />
              <Tooltip labelFormatter={(l) => formatLocal(String(l))} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="updates" fill="#059669" isAnimationActive={false} />
              <Bar dataKey="failures" fill="#dc2626" isAnimationActive={false} />
              <Bar dataKey="rollbacks" fill="#ea580c" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Card>
      </div>
    </div>
  );
}
