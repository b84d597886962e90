"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { hostListQuery } from "../queries/fleet";
import { ErrorText } from "../ui/form";
import { Ago } from "../ui/time";
import { useCan } from "../session-context";
import { BulkPin } from "./bulk-pin";
import { HostFilters } from "./host-filters";
import { StateBadge } from "./state-badge";
import { LAST_SEEN_STEP_MINUTES } from "@/lib/fleet/host-query";

const COLUMNS = [
  { label: "Host", sort: "hostname" },
  { label: "Version", sort: "version" },
  { label: "OS", sort: null },
  { label: "Group", sort: null },
  { label: "State", sort: "state" },
  { label: "Protocol", sort: null },
  { label: "Last seen", sort: "lastSeen" },
] as const;

export function HostList() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const params = new URLSearchParams(search.toString());
  params.delete("cursor");
  const filters = params.toString();
  const query = useInfiniteQuery(hostListQuery(filters));
  const canWrite = useCan("fleet:write");
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const sort = params.get("sort") ?? "lastSeen";
  const dir = params.get("dir") ?? (sort === "lastSeen" ? "desc" : "asc");

  const apply = (next: URLSearchParams) => router.replace(`${pathname}${next.size ? `?${next.toString()}` : ""}`);
  const sortBy = (column: string) => {
    const next = new URLSearchParams(params);
    next.set("sort", column);
    next.set("dir", sort === column && dir === "asc" ? "desc" : sort === column ? "asc" : column === "lastSeen" ? "desc" : "asc");
    apply(next);
  };

  return (
    <div className="space-y-4">
      <HostFilters key={filters} params={params} onApply={apply} />
      {canWrite ? <BulkPin key={`pin-${filters}`} filter={filters} /> : null}
      <ErrorText error={query.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label} scope="col" className="px-3 py-2" aria-sort={c.sort && sort === c.sort ? (dir === "asc" ? "ascending" : "descending") : undefined}>
                  {c.sort ? (
                    <button
                      type="button"
                      className="uppercase hover:text-slate-900"
                      onClick={() => sortBy(c.sort)}
                      title={c.sort === "lastSeen" ? `Sorted by last seen in ${LAST_SEEN_STEP_MINUTES}-minute steps (newer ids first within a step); the times shown are exact` : undefined}
                    >
                      {c.label}
                      {sort === c.sort ? (dir === "asc" ? " ▲" : " ▼") : ""}
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((h) => (
              <tr key={h.id} className="hover:bg-slate-50">
                <td className="px-3 py-1.5">
                  <Link className="font-medium text-brand hover:underline" href={`/hosts/${h.id}`}>
                    {h.hostname || h.id}
                  </Link>
                  <div className="font-mono text-xs text-slate-400">{h.id}</div>
                </td>
                <td className="px-3 py-1.5 tabular-nums">{h.osVersion}</td>
                <td className="px-3 py-1.5">
                  {h.osFamily} <span className="text-slate-400">{h.arch}</span>
                </td>
                <td className="px-3 py-1.5">{h.groupId}</td>
                <td className="px-3 py-1.5">
                  <StateBadge state={h.updateState} />
                </td>
                <td className="px-3 py-1.5 text-slate-600">{h.protocol}</td>
                <td className="px-3 py-1.5 text-slate-600">
                  <Ago iso={h.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {query.isPending ? <p className="p-4 text-sm text-slate-500">Loading hosts…</p> : null}
        {!query.isPending && rows.length === 0 ? <p className="p-4 text-sm text-slate-500">No hosts match these filters.</p> : null}
      </div>
      <div className="flex items-center gap-4 text-sm text-slate-600">
        <span>{rows.length.toLocaleString()} shown</span>
        {query.hasNextPage ? (
          <button type="button" className="rounded border border-slate-300 px-3 py-1 hover:bg-white" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
    </div>
  );
}
