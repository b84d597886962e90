"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { hostQuery } from "../queries/fleet";
import { ErrorText } from "../ui/form";
import { Ago } from "../ui/time";
import { useCan } from "../session-context";
import { HostFcosGuidance } from "./host-fcos-guidance";
import { HostHistory } from "./host-history";
import { HostIgnition } from "./host-ignition";
import { HostFailedVersions } from "./host-failed-versions";
import { HostRollback } from "./host-rollback";
import { PinForm } from "./pin-form";
import { StateBadge } from "./state-badge";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-sm">{children ?? <span className="text-slate-400">—</span>}</dd>
    </div>
  );
}

export function HostDetail({ hostId }: { hostId: string }) {
  const { data: h, error, isPending } = useQuery(hostQuery(hostId));
  const canWrite = useCan("fleet:write");
  if (isPending) return <p className="text-slate-500">Loading host…</p>;
  if (error) return <ErrorText error={error} />;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">{h.hostname || h.id}</h1>
        <StateBadge state={h.updateState} />
        <span className="font-mono text-xs text-slate-500">{h.id}</span>
      </div>
      {h.errorCode ? (
        <p role="status" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          Error {h.errorCode}: {h.errorMessage}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4">
        <Fact label="OS">
          {h.osFamily} {h.osVersion}
        </Fact>
        <Fact label="Previous version">
          {h.previousVersion ? (
            <>
              {h.previousVersion}
              {h.previousDeploymentId ? (
                <span className="block truncate font-mono text-xs text-slate-500" title={h.previousDeploymentId}>
                  {h.previousDeploymentId}
                </span>
              ) : null}
            </>
          ) : null}
        </Fact>
        <Fact label="Architecture">{h.arch}</Fact>
        <Fact label="Booted slot / deployment">{h.slot ?? h.deploymentId}</Fact>
        <Fact label="Group">
          <Link className="text-brand hover:underline" href={`/hosts?group=${encodeURIComponent(h.groupId)}`}>
            {h.groupId}
          </Link>
          {h.groupKnown ? null : <span className="ml-1 text-xs text-amber-700">(not defined)</span>}
        </Fact>
        <Fact label="Channel">{h.channelId}</Fact>
        <Fact label="Protocol / agent">
          {h.protocol} {h.agentVersion ? <span className="text-slate-500">{h.agentVersion}</span> : null}
        </Fact>
        <Fact label="Client address">{h.clientAddr}</Fact>
        <Fact label="First seen">
          <Ago iso={h.firstSeenAt} />
        </Fact>
        <Fact label="Last seen">
          <Ago iso={h.lastSeenAt} />
        </Fact>
        <Fact label="Reports">{h.reportCount.toLocaleString()}</Fact>
        <Fact label="Platform">{h.platform}</Fact>
        <Fact label="First installed version">{h.firstVersion}</Fact>
        <Fact label="Boot id">{h.bootId ? <span className="font-mono text-xs">{h.bootId}</span> : null}</Fact>
        <Fact label="Last update check">
          {h.offeredVersion ? <span data-testid="offered-version" className="text-brand">offered {h.offeredVersion}</span> : h.holdReason ? <span data-testid="hold-reason">held: {h.holdReason}</span> : null}
        </Fact>
      </dl>
      {h.fcosGuidance ? <HostFcosGuidance guidance={h.fcosGuidance} /> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <section aria-label="Labels" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 text-sm font-semibold text-slate-700">Labels</h2>
          {Object.keys(h.labels).length === 0 ? <p className="text-sm text-slate-500">None.</p> : null}
          <ul className="flex flex-wrap gap-2">
            {Object.entries(h.labels).map(([k, v]) => (
              <li key={k}>
                <Link className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs hover:bg-slate-200" href={`/hosts?label=${encodeURIComponent(`${k}=${v}`)}`}>
                  {k}={v}
                </Link>
              </li>
            ))}
          </ul>
        </section>
        <section aria-label="Health checks" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 text-sm font-semibold text-slate-700">Health checks</h2>
          {h.health.length === 0 ? <p className="text-sm text-slate-500">None reported.</p> : null}
          <ul className="space-y-1 text-sm">
            {h.health.map((c) => (
              <li key={c.name}>
                <span className={c.ok ? "text-green-700" : "text-red-700"}>{c.ok ? "✓" : "✗"}</span> {c.name}
                {c.detail ? <span className="text-slate-500"> — {c.detail}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <HostFailedVersions hostId={h.id} canWrite={canWrite} />
      {canWrite ? <HostRollback hostId={h.id} previousVersion={h.previousVersion} osFamily={h.osFamily} osVersion={h.osVersion} /> : null}
      {canWrite ? (
        <section aria-label="Pin" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 text-sm font-semibold text-slate-700">Pin this host</h2>
          <PinForm fixed={{ scope: "host", targetId: h.id }} />
        </section>
      ) : null}
      <HostIgnition hostId={h.id} />
      <HostHistory hostId={h.id} />
    </div>
  );
}
