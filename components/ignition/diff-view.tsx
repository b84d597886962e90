"use client";

import { useQuery } from "@tanstack/react-query";
import { diffQuery } from "../queries/ignition";
import { ErrorText } from "../ui/form";

/** A unified diff between two versions, coloured by line. */
export function DiffView({ configId, from, to }: { configId: string; from: number; to: number }) {
  const q = useQuery(diffQuery(configId, from, to));
  return (
    <section aria-label={`Diff v${from} to v${to}`} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">
        Changes from v{from} to v{to}
      </h2>
      <ErrorText error={q.error} />
      <pre className="overflow-x-auto text-xs leading-5">
        {q.data?.diff
          .split("\n")
          .slice(2)
          .map((line, i) => (
            <div key={i} className={line.startsWith("+") ? "bg-green-50 text-green-800" : line.startsWith("-") ? "bg-red-50 text-red-800" : line.startsWith("@@") ? "text-slate-400" : ""}>
              {line || " "}
            </div>
          ))}
      </pre>
    </section>
  );
}
