"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { postJson } from "../queries/api";
import { buttonClass, ErrorText, Field, inputClass } from "../ui/form";

/** Local sign-in, and a link to the identity provider when single sign-on is configured. */
export function LoginForm({ sso }: { sso: string | null }) {
  const router = useRouter();
  const params = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: () => postJson("/api/v1/auth/login", { email, password }),
    onSuccess: () => {
      const next = params.get("next");
      // Only same-site paths: an open redirect after sign-in is a phishing aid.
      router.replace(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
      router.refresh();
    },
  });
  const ssoError = params.get("sso_error");
  const next = params.get("next");
  const ssoHref = `/api/v1/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ""}`;
  return (
    <div className="space-y-6">
      {sso ? (
        <>
          <a className={`${buttonClass} block text-center`} href={ssoHref}>
            Sign in with {sso}
          </a>
          {ssoError ? (
            <p role="alert" className="text-sm text-red-700">
              Single sign-on failed: {ssoError}
            </p>
          ) : null}
          <p className="text-center text-xs text-slate-600">or with a local account</p>
        </>
      ) : null}
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        login.mutate();
      }}
    >
      <Field label="E-mail">
        <input className={inputClass} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field label="Password">
        <input className={inputClass} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <ErrorText error={login.error} />
      <button className={buttonClass} type="submit" disabled={login.isPending}>
        {login.isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
    </div>
  );
}
