"use client";

import { useQuery } from "@tanstack/react-query";

/** A banner while the database does not answer: what operators see must not look current. */
export function DbStatusBanner() {
  const q = useQuery({
    queryKey: ["healthz"],
    queryFn: async () => {
      const res = await fetch("/healthz", { cache: "no-store" });
      return res.ok;
    },
    refetchInterval: 5_000,
    retry: false,
  });
  if (q.data !== false && !q.isError) return null;
  return (
    <div role="alert" className="bg-red-700 px-4 py-2 text-center text-sm text-white">
      The database is not answering: what you see may be out of date and changes will fail until it is back.
    </div>
  );
}
