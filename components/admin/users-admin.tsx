"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useCreateUser, useUpdateUser, usersQuery, type User } from "../queries/admin";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";
import { Ago } from "../ui/time";

const ROLES: User["role"][] = ["viewer", "operator", "approver", "admin"];

function NewUserForm() {
  const create = useCreateUser();
  const [form, setForm] = useState({ email: "", name: "", password: "", role: "viewer" as User["role"] });
  return (
    <form
      aria-label="New user"
      className="grid grid-cols-1 items-end gap-2 md:grid-cols-5"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(form, { onSuccess: () => setForm({ email: "", name: "", password: "", role: "viewer" }) });
      }}
    >
      <Field label="Name">
        <input className={inputClass} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </Field>
      <Field label="E-mail">
        <input className={inputClass} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
      </Field>
      <Field label="Initial password">
        <input className={inputClass} type="password" autoComplete="new-password" minLength={10} required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
      </Field>
      <Field label="Role">
        <select className={inputClass} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as User["role"] })}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <button className={buttonClass} type="submit" disabled={create.isPending}>
        Add user
      </button>
      <div className="md:col-span-5">
        <ErrorText error={create.error} />
      </div>
    </form>
  );
}

export function UsersAdmin() {
  const users = useQuery(usersQuery());
  const update = useUpdateUser();
  return (
    <div className="space-y-6">
      <section aria-label="Users" className="rounded-lg border border-slate-200 bg-white p-4">
        <ErrorText error={users.error ?? update.error} />
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="py-1">User</th>
              <th>Role</th>
              <th>Last sign-in</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <td className="py-1.5">
                  {u.name} <span className="text-slate-500">{u.email}</span>
                </td>
                <td>
                  <select aria-label={`Role of ${u.email}`} className="rounded border border-slate-300 px-1 py-0.5" value={u.role} onChange={(e) => update.mutate({ id: u.id, role: e.target.value as User["role"] })}>
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <Ago iso={u.lastLoginAt} />
                </td>
                <td>
                  <button type="button" className="text-sm underline" onClick={() => update.mutate({ id: u.id, disabled: u.disabledAt === null })}>
                    {u.disabledAt ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Add a user</h2>
        <NewUserForm />
      </section>
    </div>
  );
}
