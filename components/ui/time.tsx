"use client";

/** "3 min ago" with the exact time on hover. */
export function Ago({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-slate-400">never</span>;
  const d = new Date(iso);
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  const text = s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : s < 86_400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86_400)} d ago`;
  return (
    <time dateTime={iso} title={d.toLocaleString()}>
      {text}
    </time>
  );
}
