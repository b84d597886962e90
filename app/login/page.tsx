import { Suspense } from "react";
import { LoginForm } from "@/components/auth/login-form";
import { env } from "@/lib/config/env";

export const metadata = { title: "Sign in" };

// The single sign-on button depends on the server's configuration at request time.
export const dynamic = "force-dynamic";

export default function LoginPage() {
  const e = env();
  const sso = e.FLOTILLA_OIDC_ISSUER && e.FLOTILLA_OIDC_CLIENT_ID ? e.FLOTILLA_OIDC_LABEL : null;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-6 text-xl font-semibold">Sign in to Flotilla</h1>
      <Suspense>
        <LoginForm sso={sso} />
      </Suspense>
    </main>
  );
}
