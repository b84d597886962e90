/** Sign-in throttling: after `maxFailures` failures within `windowMs`, lock for `lockMs`. */
export const LOGIN_THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;
/** One client address across all accounts (password spraying). */
export const LOGIN_THROTTLE_PER_ADDRESS = { maxFailures: 50, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

export interface ThrottleState {
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

/** The state after one more failure at `now`. */
export function afterFailure(s: ThrottleState | null, now: Date, rule: { maxFailures: number; windowMs: number; lockMs: number } = LOGIN_THROTTLE): ThrottleState {
  const fresh = !s || now.getTime() - s.windowStart.getTime() > rule.windowMs;
  const failures = fresh ? 1 : s.failures + 1;
  const windowStart = fresh ? now : s.windowStart;
  return { failures, windowStart, lockedUntil: failures >= rule.maxFailures ? new Date(now.getTime() + rule.lockMs) : (s?.lockedUntil ?? null) };
}

/** Seconds until sign-in is allowed again, or 0. */
export function lockedFor(s: ThrottleState | null, now: Date): number {
  return s?.lockedUntil && s.lockedUntil > now ? Math.ceil((s.lockedUntil.getTime() - now.getTime()) / 1000) : 0;
}
