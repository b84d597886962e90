import { DAY_MS, instantOfLocal, localDayOf, localMsOf, MINUTE_MS, parseClock, parseLocalDate, weekdayOfDay, formatLocalDate } from "./local-time";
import type { MaintenanceWindows } from "./policy-schema";

/**
 * Whether an update may start now under a group's maintenance windows.
 *
 * - A window opens at its local wall-clock `start` on each of its `days` in the policy's zone
 *   and stays open for `durationMinutes` of real time, so it may run past midnight and from
 *   Sunday into Monday.
 * - Spring forward: a start that does not exist that day opens at the first valid instant
 *   after it (the transition). Fall back: a start in the repeated hour opens at its first
 *   occurrence; either way the length is elapsed real minutes.
 * - A blackout date closes the whole local day: an instant is open only if its local date is
 *   not a blackout, so a window that began the evening before closes at local midnight and
 *   one running past the end of a blackout day opens again at the following midnight.
 * - `nextOpen` is the first open instant within the next 14 days, absent if there is none.
 */

export type WindowState =
  | { open: true }
  | { open: false; reason: "outside_window"; nextOpen?: Date }
  | { open: false; reason: "blackout"; blackoutDate: string; nextOpen?: Date };

export const NEXT_OPEN_SEARCH_DAYS = 14;

interface Occurrence {
  start: number;
  end: number;
}

/** Margin for comparing wall-clock readings with instants: larger than any UTC offset change. */
const SLACK_MS = DAY_MS;

/** Occurrences whose rough local span meets [fromLocal, toLocal], with exact instants. */
function occurrences(mw: MaintenanceWindows, fromLocal: number, toLocal: number): Occurrence[] {
  const out: Occurrence[] = [];
  const firstDay = Math.floor((fromLocal - SLACK_MS) / DAY_MS) - 7;
  const lastDay = Math.floor((toLocal + SLACK_MS) / DAY_MS);
  for (const w of mw.windows) {
    const startMinute = parseClock(w.start);
    if (startMinute === null) continue;
    const lengthMs = w.durationMinutes * MINUTE_MS;
    for (let day = firstDay; day <= lastDay; day++) {
      if (!w.days.includes(weekdayOfDay(day))) continue;
      const localStart = day * DAY_MS + startMinute * MINUTE_MS;
      if (localStart + lengthMs + SLACK_MS < fromLocal || localStart - SLACK_MS > toLocal) continue;
      const start = instantOfLocal(localStart, mw.timeZone);
      out.push({ start, end: start + lengthMs });
    }
  }
  return out;
}

function blackoutDays(mw: MaintenanceWindows): Set<number> {
  const days = new Set<number>();
  for (const d of mw.blackoutDates) {
    const n = parseLocalDate(d);
    if (n !== null) days.add(n);
  }
  return days;
}

export function isInWindow(mw: MaintenanceWindows | null, now: Date): WindowState {
  if (!mw) return { open: true };
  const t = now.getTime();
  const blackouts = blackoutDays(mw);
  const today = localDayOf(t, mw.timeZone);
  const nowLocal = localMsOf(t, mw.timeZone);
  const nextOpen = (): { nextOpen?: Date } => {
    const found = findNextOpen(mw, blackouts, t, nowLocal);
    return found === null ? {} : { nextOpen: new Date(found) };
  };
  if (blackouts.has(today)) return { open: false, reason: "blackout", blackoutDate: formatLocalDate(today), ...nextOpen() };
  for (const o of occurrences(mw, nowLocal, nowLocal)) {
    if (o.start <= t && t < o.end) return { open: true };
  }
  return { open: false, reason: "outside_window", ...nextOpen() };
}

/** The first open instant in (now, now + 14 days], or null. */
function findNextOpen(mw: MaintenanceWindows, blackouts: Set<number>, now: number, nowLocal: number): number | null {
  const limit = now + NEXT_OPEN_SEARCH_DAYS * DAY_MS;
  const candidates: number[] = [];
  for (const o of occurrences(mw, nowLocal, nowLocal + NEXT_OPEN_SEARCH_DAYS * DAY_MS)) {
    if (o.end <= now || o.start > limit) continue;
    const startDay = localDayOf(o.start, mw.timeZone);
    if (o.start > now && !blackouts.has(startDay)) {
      candidates.push(o.start);
      continue;
    }
    // The occurrence began in the past or on a blackout day: it opens (again) at the first
    // local midnight inside it whose day is not blacked out.
    const lastDay = localDayOf(o.end - 1, mw.timeZone);
    for (let day = startDay + 1; day <= lastDay; day++) {
      if (blackouts.has(day)) continue;
      const midnight = instantOfLocal(day * DAY_MS, mw.timeZone);
      if (midnight > o.start && midnight < o.end && midnight > now) {
        candidates.push(midnight);
        break;
      }
    }
  }
  const inRange = candidates.filter((c) => c > now && c <= limit);
  return inRange.length > 0 ? Math.min(...inRange) : null;
}
