/**
 * When a source runs next. After a success: one interval later. After failures in a row the
 * wait doubles from `retryBaseSeconds` (1×, 2×, 4×, …) but never exceeds the interval, so a
 * short outage is retried quickly and a long one does not hammer upstream.
 */
export function nextRunAt(now: Date, opts: { intervalMinutes: number; failures: number; retryBaseSeconds: number }): Date {
  const interval = opts.intervalMinutes * 60_000;
  if (opts.failures <= 0) return new Date(now.getTime() + interval);
  const backoff = opts.retryBaseSeconds * 1000 * 2 ** Math.min(opts.failures - 1, 30);
  return new Date(now.getTime() + Math.min(interval, backoff));
}
