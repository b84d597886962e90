"use client";

import { useEffect, useState } from "react";

/** The current time, re-read every `intervalMs` so relative times stay true. */
function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function relativeTime(fromMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/**
 * The console's one time convention: times are shown in the viewer's zone (named, so a
 * screenshot is unambiguous) and the UTC instant is on hover. Every component that shows a
 * time uses `Time`, `Ago` or these formatters; nothing calls toLocaleString on a date.
 */
const localFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

export function formatLocal(d: Date | string): string {
  return localFormat.format(typeof d === "string" ? new Date(d) : d);
}

export function formatUtc(d: Date | string): string {
  return `${(typeof d === "string" ? new Date(d) : d).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** An absolute time in the viewer's zone, UTC on hover. */
export function Time({ iso, className }: { iso: string | Date | null; className?: string }) {
  if (!iso) return <span className="text-slate-400">never</span>;
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return (
    <time dateTime={d.toISOString()} title={formatUtc(d)} className={className}>
      {formatLocal(d)}
    </time>
  );
}

/** "3 min ago", with the time in the viewer's zone and in UTC on hover. */
export function Ago({ iso }: { iso: string | null }) {
  const now = useNow();
  if (!iso) return <span className="text-slate-400">never</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={`${formatLocal(d)} · ${formatUtc(d)}`}>
      {relativeTime(d.getTime(), now)}
    </time>
  );
}
