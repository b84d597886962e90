/**
 * Wall-clock time in an IANA zone with nothing but `Intl.DateTimeFormat`, so the same code
 * runs on the server and in the browser. A "local ms" value is the wall-clock reading written
 * as if it were UTC (`Date.UTC(y, m - 1, d, h, min)`); an "epoch day" is a local calendar
 * date counted from 1970-01-01. Both are plain numbers, which keeps date arithmetic exact.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: some engines print midnight as "24" with the default hour cycle.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Whether the engine knows the zone. Offsets like `+01:00` are refused even where the engine
 * accepts them: a maintenance window follows the zone's DST rules, an offset has none.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The engine's spelling of a zone when it differs only in case (`europe/berlin`); aliases are kept as written. */
export function canonicalTimeZone(timeZone: string): string {
  const resolved = formatter(timeZone).resolvedOptions().timeZone;
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
}

/** The wall-clock reading of an instant in a zone, as local ms. */
export function localMsOf(instantMs: number, timeZone: string): number {
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of formatter(timeZone).formatToParts(instantMs)) {
    const n = Number(p.value);
    if (p.type === "year") y = n;
    else if (p.type === "month") mo = n;
    else if (p.type === "day") d = n;
    else if (p.type === "hour") h = n;
    else if (p.type === "minute") mi = n;
    else if (p.type === "second") s = n;
  }
  const ms = ((instantMs % 1000) + 1000) % 1000;
  return Date.UTC(y, mo - 1, d, h, mi, s) + ms;
}

/** The local calendar date (epoch day) of an instant. */
export function localDayOf(instantMs: number, timeZone: string): number {
  return Math.floor(localMsOf(instantMs, timeZone) / DAY_MS);
}

/**
 * The instant a wall-clock time happens. In a repeated hour (fall back) that is the first
 * occurrence; a time skipped by spring forward maps to the first valid instant after it,
 * i.e. the transition itself (02:30 on a 02:00→03:00 day starts at 03:00).
 */
export function instantOfLocal(localMs: number, timeZone: string): number {
  // Offsets a day either side bracket any single transition near this time.
  const before = localMs - localMsOf(localMs - DAY_MS, timeZone) + (localMs - DAY_MS);
  const after = localMs - localMsOf(localMs + DAY_MS, timeZone) + (localMs + DAY_MS);
  const valid = [before, after].filter((t) => localMsOf(t, timeZone) === localMs);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: `after` (new offset) reads earlier than wanted, `before` (old offset) later.
  // Search whole seconds for the first instant that reads at or past the wanted time.
  let lo = Math.floor(Math.min(before, after) / 1000);
  let hi = Math.ceil(Math.max(before, after) / 1000);
  if (localMsOf(hi * 1000, timeZone) < localMs) return before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localMsOf(mid * 1000, timeZone) >= localMs) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** Monday = 0 … Sunday = 6. 1970-01-01 was a Thursday. */
export function weekdayOfDay(epochDay: number): Weekday {
  return WEEKDAYS[(((epochDay + 3) % 7) + 7) % 7] ?? "mon";
}

/** `YYYY-MM-DD` → epoch day, or null for anything that is not a real calendar date. */
export function parseLocalDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function formatLocalDate(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** `HH:MM` → minutes after midnight, or null. */
export function parseClock(s: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** An instant as the operator in that zone reads it: `Mon 2026-03-09 01:00 Europe/Berlin`. */
export function formatInZone(instant: Date, timeZone: string): string {
  const local = localMsOf(instant.getTime(), timeZone);
  const day = Math.floor(local / DAY_MS);
  const wd = weekdayOfDay(day);
  const hhmm = new Date(local).toISOString().slice(11, 16);
  return `${wd.charAt(0).toUpperCase()}${wd.slice(1)} ${formatLocalDate(day)} ${hhmm} ${timeZone}`;
}
