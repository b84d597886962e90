"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { postJson } from "../queries/api";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

export function SetupForm({ token }: { token: string }) {
  const router = useRouter();
  const [form, setForm] = useState({ email: "", name: "", password: "" });
  const setup = useMutation({
    mutationFn: () => postJson("/api/v1/setup", { token, ...form }),
    onSuccess: () => router.replace("/login"),
  });
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        setup.mutate();
      }}
    >
      <Field label="Name">
        <input className={inputClass} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </Field>
      <Field label="E-mail">
        <input className={inputClass} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
      </Field>
      <Field label="Password (at least 10 characters)">
        <input className={inputClass} type="password" autoComplete="new-password" minLength={10} required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
      </Field>
      <ErrorText error={setup.error} />
      <button className={buttonClass} type="submit" disabled={setup.isPending}>
        Create admin
      </button>
    </form>
  );
}
