"use client";

import { useEffect } from "react";

/**
 * Shown instead of a page when the database did not answer while rendering it: says so, and
 * reloads by itself once /healthz answers again (no stack trace, no generic 500 page).
 */
export function DbUnavailable() {
  useEffect(() => {
    const t = setInterval(() => {
      void fetch("/healthz", { cache: "no-store" })
        .then((r) => {
          if (r.ok) window.location.reload();
        })
        .catch(() => undefined);
    }, 3_000);
    return () => clearInterval(t);
  }, []);
  return (
    <main className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="mb-2 text-2xl font-semibold">Database unavailable</h1>
      <p role="alert" className="text-slate-600">
        Flotilla cannot reach its database right now. Agents are told to retry; this page reloads by itself when the database is back.
      </p>
    </main>
  );
}
