"use client";

import type { ConfigDetail } from "../queries/ignition";
import { usePublishVersion, useRestoreVersion } from "../queries/ignition";
import { useCan } from "../session-context";
import { ErrorText } from "../ui/form";
import { Time } from "../ui/time";

function usageOf(config: ConfigDetail, version: number): string {
  const u = config.usage.find((x) => x.version === version);
  const via = config.assignments.filter((a) => a.version === version || (a.version === null && config.publishedVersion === version)).map((a) => a.name);
  const hosts = u ? `${u.hosts} host(s), ${u.fetches} fetch(es)` : "no fetches";
  return via.length ? `${hosts}; served via ${via.join(", ")}` : hosts;
}

/** Immutable versions with their merge URL and hash; diff, restore and publish actions. */
export function VersionsTable({ config, onDiff, onOpen }: { config: ConfigDetail; onDiff: (from: number, to: number) => void; onOpen: (v: number) => void }) {
  const canWrite = useCan("fleet:write");
  const restore = useRestoreVersion(config.id);
  const publish = usePublishVersion(config.id);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <section aria-label="Versions" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Versions</h2>
      <ErrorText error={restore.error ?? publish.error} />
      {publish.data ? (
        <p role="status" className="mb-2 text-sm">
          {publish.data.status === "published" ? `v${publish.data.version} is published.` : `Publishing v${publish.data.version} awaits ${publish.data.approvalsRequired} approval(s) — see Approvals.`}
        </p>
      ) : null}
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1">Version</th>
            <th>Author</th>
            <th>Message</th>
            <th>Fetched by</th>
            <th>Merge source</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {config.versions.map((v) => (
            <tr key={v.version} data-testid={`version-${v.version}`}>
              <td className="py-1.5">
                <button type="button" className="font-medium text-brand underline" onClick={() => onOpen(v.version)}>
                  v{v.version}
                </button>
                {v.draft ? <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">draft</span> : null}
                {config.publishedVersion === v.version ? <span className="ml-1 rounded bg-green-100 px-1 text-xs text-green-800">published</span> : null}
                <div className="text-xs text-slate-400">
                  {v.format} · spec {v.specVersion ?? "?"}
                </div>
              </td>
              <td className="text-xs">
                {v.authorEmail}
                <div className="text-slate-400"><Time iso={v.createdAt} /></div>
              </td>
              <td className="text-xs">
                {v.message}
                {v.restoredFrom ? <div className="text-slate-400">restored from v{v.restoredFrom}</div> : null}
              </td>
              <td className="text-xs">{usageOf(config, v.version)}</td>
              <td className="max-w-xs text-xs">
                {v.mergePath && v.sha512 ? (
                  <>
                    <code className="block truncate">{`${origin}${v.mergePath}`}</code>
                    <code className="block truncate text-slate-500" title={`sha512-${v.sha512}`}>
                      sha512-{v.sha512}
                    </code>
                  </>
                ) : v.secrets.length > 0 ? (
                  <span className="text-amber-800">holds secrets ({v.secrets.join(", ")}): served only through assignment URLs</span>
                ) : v.variables.length > 0 ? (
                  <span className="text-slate-600">per host ({v.variables.join(", ")}): URL and hash per assignment</span>
                ) : null}
              </td>
              <td className="space-x-2 whitespace-nowrap text-right text-xs">
                {v.version > 1 ? (
                  <button type="button" className="underline" onClick={() => onDiff(v.version - 1, v.version)}>
                    Diff
                  </button>
                ) : null}
                {canWrite && v.version !== config.latestVersion ? (
                  <button type="button" className="underline" onClick={() => restore.mutate(v.version)}>
                    Restore
                  </button>
                ) : null}
                {canWrite && !v.draft && config.publishedVersion !== v.version ? (
                  <button type="button" className="underline" onClick={() => publish.mutate(v.version)}>
                    Publish
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
