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

/** "3 min ago" with the exact time on hover. */
export function Ago({ iso }: { iso: string | null }) {
  const now = useNow();
  if (!iso) return <span className="text-slate-400">never</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={d.toLocaleString()}>
      {relativeTime(d.getTime(), now)}
    </time>
  );
}
