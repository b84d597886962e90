"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { OS_FAMILY_VALUES } from "@/lib/agent/native-report";
import { releasesQuery } from "../queries/catalog";
import { channelsQuery, groupsQuery, useCreateChannel, useCreateGroup, useUpdateGroup, type GroupList } from "../queries/fleet";
import { ChannelCard } from "./channel-card";
import { GroupPolicyEditor } from "./group-policy-editor";
import { rolloutsQuery } from "../queries/rollouts";
import { RolloutStatusBadge } from "../rollouts/rollout-status";
import { useCan } from "../session-context";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

function NewChannelForm() {
  const create = useCreateChannel();
  const [form, setForm] = useState({ id: "", osFamily: "flatcar", description: "" });
  return (
    <form
      aria-label="New channel"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(form, { onSuccess: () => setForm({ id: "", osFamily: form.osFamily, description: "" }) });
      }}
    >
      <Field label="Channel name">
        <input className={inputClass} required value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
      </Field>
      <Field label="OS family">
        <select className={inputClass} value={form.osFamily} onChange={(e) => setForm({ ...form, osFamily: e.target.value })}>
          {OS_FAMILY_VALUES.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </Field>
      <button className={buttonClass} type="submit" disabled={create.isPending}>
        Add channel
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}

function NewGroupForm({ channels, initialId }: { channels: string[]; initialId: string }) {
  const create = useCreateGroup();
  const [form, setForm] = useState({ id: initialId, description: "", channelId: "" });
  return (
    <form
      aria-label="New group"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ ...form, channelId: form.channelId || null }, { onSuccess: () => setForm({ id: "", description: "", channelId: "" }) });
      }}
    >
      <Field label="Group name">
        <input className={inputClass} required value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} />
      </Field>
      <Field label="Channel">
        <select className={inputClass} value={form.channelId} onChange={(e) => setForm({ ...form, channelId: e.target.value })}>
          <option value="">(none)</option>
          {channels.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </Field>
      <button className={buttonClass} type="submit" disabled={create.isPending}>
        Add group
      </button>
      <ErrorText error={create.error} />
    </form>
  );
}

/** "site=berlin, gpu=true" ⇄ { site: "berlin", gpu: "true" }; null when empty. */
function parseSelector(text: string): Record<string, string> | null {
  const pairs = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split("=").map((x) => x.trim()) as [string, string?]);
  return pairs.length ? Object.fromEntries(pairs.map(([k, v]) => [k, v ?? ""])) : null;
}

/** Hosts whose labels match are assigned to the group, whatever group they ask for. */
function LabelSelectorCell({ group }: { group: GroupList["groups"][number] }) {
  const canWrite = useCan("fleet:write");
  const update = useUpdateGroup();
  const text = Object.entries(group.labelSelector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  if (!canWrite) return <span className="font-mono text-xs">{text || "—"}</span>;
  return (
    <span>
      <input
        aria-label={`Label selector for ${group.id}`}
        className="w-36 rounded border border-slate-300 px-1 font-mono text-xs"
        placeholder="site=berlin"
        defaultValue={text}
        onBlur={(e) => {
          if (e.target.value.trim() !== text) update.mutate({ id: group.id, labelSelector: parseSelector(e.target.value) });
        }}
      />
      <ErrorText error={update.error} />
    </span>
  );
}

/** Whether changes reaching this group need approvals, and how many. */
function ApprovalCell({ group }: { group: GroupList["groups"][number] }) {
  const canWrite = useCan("fleet:write");
  const update = useUpdateGroup();
  if (!canWrite) return <span>{group.requiresApproval ? `${group.approvalsRequired} approval(s)` : "—"}</span>;
  return (
    <span className="flex items-center gap-1">
      <input
        type="checkbox"
        aria-label={`Require approval for ${group.id}`}
        checked={group.requiresApproval}
        onChange={(e) => update.mutate({ id: group.id, requiresApproval: e.target.checked })}
      />
      <input
        type="number"
        min={1}
        max={10}
        aria-label={`Approvals required for ${group.id}`}
        className="w-12 rounded border border-slate-300 px-1"
        defaultValue={group.approvalsRequired}
        onBlur={(e) => {
          const n = Number(e.target.value);
          if (Number.isInteger(n) && n !== group.approvalsRequired) update.mutate({ id: group.id, approvalsRequired: n });
        }}
      />
      <ErrorText error={update.error} />
    </span>
  );
}

export function GroupsView() {
  const groups = useQuery(groupsQuery());
  const channels = useQuery(channelsQuery());
  const releases = useQuery(releasesQuery());
  const canWrite = useCan("fleet:write");
  const channelIds = channels.data?.items.map((c) => c.id) ?? [];
  const live = useQuery(rolloutsQuery("live=true"));
  const rolloutOf = new Map((live.data?.rollouts ?? []).map((r) => [r.groupId, r]));
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <section aria-label="Groups" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Groups</h2>
        <ErrorText error={groups.error} />
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1">Group</th>
              <th>Channel</th>
              <th>Approval</th>
              <th title="hosts with these labels join the group">Labels</th>
              <th>Rollout</th>
              <th className="text-right">Hosts</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {groups.data?.groups.map((g) => (
              <tr key={g.id}>
                <td className="py-1">
                  <Link className="text-brand hover:underline" href={`/hosts?group=${encodeURIComponent(g.id)}`}>
                    {g.id}
                  </Link>
                </td>
                <td>{g.channelId ?? <span className="text-slate-400">none</span>}</td>
                <td>
                  <ApprovalCell group={g} />
                  {canWrite ? <GroupPolicyEditor groupId={g.id} policy={g.policy} updatedAt={g.updatedAt} /> : null}
                </td>
                <td>
                  <LabelSelectorCell group={g} />
                </td>
                <td>
                  {rolloutOf.get(g.id) ? (
                    <Link className="text-brand hover:underline" href={`/rollouts/${rolloutOf.get(g.id)!.id}`}>
                      {rolloutOf.get(g.id)!.version} <RolloutStatusBadge status={rolloutOf.get(g.id)!.status} />
                    </Link>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                </td>
                <td className="text-right tabular-nums">{g.hosts.toLocaleString()}</td>
              </tr>
            ))}
            {groups.data?.undefinedGroups.map((g) => (
              <tr key={`u-${g.id}`} className="text-slate-500">
                <td className="py-1">
                  {g.id} <span className="text-xs text-amber-700">(asked for by hosts, not defined)</span>
                </td>
                <td />
                <td />
                <td />
                <td />
                <td className="text-right tabular-nums">{g.hosts.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canWrite ? <NewGroupForm channels={channelIds} initialId="" /> : null}
      </section>
      <section aria-label="Channels" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Channels</h2>
        <ErrorText error={channels.error} />
        <ul className="divide-y divide-slate-100 text-sm">
          {channels.data?.items.map((c) => (
            <ChannelCard key={c.id} channel={c} releases={releases.data?.items ?? []} />
          ))}
          {channels.data?.items.length === 0 ? <li className="text-slate-500">No channels yet.</li> : null}
        </ul>
        {canWrite ? <NewChannelForm /> : null}
      </section>
    </div>
  );
}
