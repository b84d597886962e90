"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  apiTokensQuery,
  enrollmentTokensQuery,
  useCreateApiToken,
  useCreateEnrollmentToken,
  useRevokeApiToken,
  useRevokeEnrollmentToken,
  usersQuery,
  type TokenInfo,
} from "../queries/admin";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";
import { Ago, Time } from "../ui/time";

function NewSecret({ token }: { token: string }) {
  return (
    <div role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm">
      Copy this token now; it is not shown again:
      <code data-testid="new-token" className="mt-1 block break-all font-mono">
        {token}
      </code>
    </div>
  );
}

function TokenTable({ items, onRevoke, label }: { items: TokenInfo[]; onRevoke: (id: string) => void; label: string }) {
  return (
    <table aria-label={label} className="w-full text-sm">
      <thead className="text-left text-xs uppercase text-slate-500">
        <tr>
          <th className="py-1">Name</th>
          <th>Token</th>
          <th>Created</th>
          <th>Expires</th>
          <th />
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {items.map((t) => (
          <tr key={t.id} className={t.revokedAt ? "text-slate-400" : ""}>
            <td className="py-1">
              {t.name} {t.userEmail ? <span className="text-slate-500">as {t.userEmail}</span> : null}
            </td>
            <td className="font-mono">{t.hint}</td>
            <td>
              <Ago iso={t.createdAt} />
            </td>
            <td><Time iso={t.expiresAt} /></td>
            <td className="text-right">
              {t.revokedAt ? (
                "revoked"
              ) : (
                <button type="button" className="underline" onClick={() => onRevoke(t.id)}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EnrollmentTokens() {
  const list = useQuery(enrollmentTokensQuery());
  const create = useCreateEnrollmentToken();
  const revoke = useRevokeEnrollmentToken();
  const [name, setName] = useState("");
  return (
    <section aria-label="Enrollment tokens" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Enrollment tokens (agents)</h2>
      <ErrorText error={list.error ?? create.error ?? revoke.error} />
      <TokenTable label="Enrollment token list" items={list.data?.items ?? []} onRevoke={(id) => revoke.mutate(id)} />
      {create.data ? <NewSecret token={create.data.token} /> : null}
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, expiresInDays: null }, { onSuccess: () => setName("") });
        }}
      >
        <Field label="New enrollment token name">
          <input className={inputClass} required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button className={buttonClass} type="submit">
          Create
        </button>
      </form>
    </section>
  );
}

function ApiTokens() {
  const list = useQuery(apiTokensQuery());
  const users = useQuery(usersQuery());
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [form, setForm] = useState({ name: "", userId: "", expiresInDays: "90" });
  return (
    <section aria-label="API tokens" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">API tokens (automation)</h2>
      <ErrorText error={list.error ?? create.error ?? revoke.error} />
      <TokenTable label="API token list" items={list.data?.items ?? []} onRevoke={(id) => revoke.mutate(id)} />
      {create.data ? <NewSecret token={create.data.token} /> : null}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: form.name, userId: form.userId, expiresInDays: form.expiresInDays ? Number(form.expiresInDays) : null });
        }}
      >
        <Field label="Name">
          <input className={inputClass} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label="Acts as user">
          <select className={inputClass} required value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })}>
            <option value="">choose…</option>
            {users.data?.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email} ({u.role})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Expires in days (empty: never)">
          <input className={inputClass} inputMode="numeric" value={form.expiresInDays} onChange={(e) => setForm({ ...form, expiresInDays: e.target.value })} />
        </Field>
        <button className={buttonClass} type="submit">
          Create
        </button>
      </form>
    </section>
  );
}

export function TokensAdmin() {
  return (
    <div className="space-y-6">
      <EnrollmentTokens />
      <ApiTokens />
    </div>
  );
}
