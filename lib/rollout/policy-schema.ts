import { z } from "zod";
import { canonicalTimeZone, isValidTimeZone, parseClock, parseLocalDate, WEEKDAYS } from "./local-time";

/**
 * A group's rollout policy, shared by the policy form (browser) and the operator API. Every
 * refusal carries the path of the offending field (`phases.2.target.percent`), so the form can
 * put the message next to the input and the API can list it in `error.fields`.
 */

const WEEK_MINUTES = 7 * 24 * 60;

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, "unknown time zone: use an IANA name such as Europe/Berlin")
  .transform(canonicalTimeZone);

export const MaintenanceWindowSchema = z.strictObject({
  days: z
    .array(z.enum(WEEKDAYS, "a day is one of mon, tue, wed, thu, fri, sat, sun"))
    .min(1, "pick at least one day")
    .refine((d) => new Set(d).size === d.length, "a day is listed twice"),
  /** Local wall-clock time in the policy's zone. */
  start: z.string().refine((s) => parseClock(s) !== null, "must be a time HH:MM (00:00–23:59)"),
  /** Real elapsed minutes from the start (also across a DST change); may cross midnight and the week end. */
  durationMinutes: z
    .number()
    .int("whole minutes")
    .min(1, "a window must last at least 1 minute")
    .max(WEEK_MINUTES, "a window lasts at most a week (10080 minutes)"),
});

export const MaintenanceWindowsSchema = z.strictObject({
  timeZone: TimeZoneSchema,
  windows: z
    .array(MaintenanceWindowSchema)
    // Only-blackouts is one window on all seven days from 00:00 for 1440 minutes; an empty
    // list would mean "never", which is what pausing is for.
    .min(1, "add at least one window, or turn maintenance windows off to allow any time")
    .max(50),
  /** Whole local days in `timeZone` when nothing starts, even inside a window. */
  blackoutDates: z
    .array(z.string().refine((s) => parseLocalDate(s) !== null, "must be a real date YYYY-MM-DD"))
    .max(1000)
    .refine((d) => new Set(d).size === d.length, "a date is listed twice"),
});

/** Share of the group a phase reaches: a percentage or a number of hosts (exactly one). */
const PhaseTargetSchema = z
  .strictObject({
    percent: z.number().gt(0, "must be above 0").max(100, "at most 100").optional(),
    hosts: z.number().int("a whole number of hosts").min(1, "at least 1 host").optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.percent === undefined) === (t.hosts === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "give either percent or hosts" });
    }
  })
  .transform((t): PhaseTarget => (t.hosts !== undefined ? { hosts: t.hosts } : { percent: t.percent ?? 100 }));

export type PhaseTarget = { percent: number } | { hosts: number };

export const FailureThresholdSchema = z.strictObject({
  /** Breached when (failed + rolled back) / results is strictly above this, 0..1. */
  maxFailureRate: z.number().min(0, "between 0 and 1").max(1, "between 0 and 1"),
  /** Results (updated + failed + rolled back) needed before the rate counts. */
  minSample: z.number().int("a whole number").min(1, "at least 1"),
  action: z.enum(["pause", "rollback"], "pause or rollback"),
});

export const PhaseSchema = z.strictObject({
  name: z.string().trim().min(1, "a phase needs a name").max(64),
  target: PhaseTargetSchema,
  /** Minutes after the phase starts before it may advance (see `phaseReady`). */
  bakeMinutes: z.number().int("whole minutes").min(0, "cannot be negative").max(60 * 24 * 90),
  failureThreshold: FailureThresholdSchema.nullable(),
});

/**
 * Phases are cumulative shares that must grow: a percentage phase must be above every earlier
 * percentage phase, a host-count phase above every earlier host-count phase, and nothing may
 * follow a 100 % phase. A percentage and a host count are not compared here (that depends on
 * the group's size); at run time a phase's share is the largest of it and the phases before
 * (see `phaseCutoffs`), so a mixed list never shrinks.
 *
 * The last phase need not reach 100 %: when it has baked and passed its threshold the rollout
 * completes and the whole group may take the release, like a final implicit 100 % step. Stop
 * at a share by pausing the rollout instead.
 */
const PhasesSchema = z
  .array(PhaseSchema)
  .min(1, "a rollout needs at least one phase")
  .max(20)
  .superRefine((raw, ctx) => {
    // zod runs this even when a phase failed its own checks; judge only the phases that
    // parsed (the others already carry their errors), so `raw` is never trusted as typed.
    const names = new Map<string, number>();
    let maxPercent: { index: number; value: number } | null = null;
    let maxHosts: { index: number; value: number } | null = null;
    let fullAt: number | null = null;
    let onlyHostsSoFar = true;
    raw.forEach((item, i) => {
      const parsed = PhaseSchema.safeParse(item);
      if (!parsed.success) {
        onlyHostsSoFar = false;
        return;
      }
      const p = parsed.data;
      const seen = names.get(p.name);
      if (seen !== undefined) ctx.addIssue({ code: "custom", path: [i, "name"], message: `phase ${i} has the same name as phase ${seen}` });
      else names.set(p.name, i);
      if (fullAt !== null) {
        ctx.addIssue({ code: "custom", path: [i, "target"], message: `phase ${i} comes after phase ${fullAt}, which already reaches 100 %` });
        return;
      }
      if ("percent" in p.target) {
        onlyHostsSoFar = false;
        const v = p.target.percent;
        if (maxPercent && v <= maxPercent.value) {
          ctx.addIssue({ code: "custom", path: [i, "target", "percent"], message: `phase ${i} must reach more than phase ${maxPercent.index} (${maxPercent.value} %)` });
        } else maxPercent = { index: i, value: v };
        if (v === 100) fullAt = i;
      } else {
        const v = p.target.hosts;
        if (maxHosts && v <= maxHosts.value) {
          ctx.addIssue({ code: "custom", path: [i, "target", "hosts"], message: `phase ${i} must reach more than phase ${maxHosts.index} (${maxHosts.value} hosts)` });
        } else maxHosts = { index: i, value: v };
        // With host counts only, the phase's share is known: a sample it can never collect
        // would leave the threshold silent.
        if (onlyHostsSoFar && p.failureThreshold && p.failureThreshold.minSample > v) {
          ctx.addIssue({
            code: "custom",
            path: [i, "failureThreshold", "minSample"],
            message: `phase ${i} reaches ${v} hosts, fewer than the ${p.failureThreshold.minSample} results this threshold waits for`,
          });
        }
      }
    });
  });

export const RateLimitSchema = z.strictObject({
  count: z.number().int("a whole number").min(1, "at least 1"),
  periodMinutes: z.number().int("whole minutes").min(1, "at least 1 minute").max(60 * 24 * 30),
});

export const GroupPolicySchema = z.strictObject({
  /** null = unlimited. */
  maxConcurrentUpdates: z.number().int("a whole number").min(1, "at least 1, or no limit").max(1_000_000).nullable(),
  /** null = unlimited. */
  maxUpdatesPerPeriod: RateLimitSchema.nullable(),
  /** A host that has not reported progress this long counts as failed (stuck). */
  updateTimeoutMinutes: z.number().int("whole minutes").min(5, "at least 5 minutes").max(WEEK_MINUTES),
  /** null = always open. */
  maintenanceWindows: MaintenanceWindowsSchema.nullable(),
  phases: PhasesSchema,
  requiresApproval: z.boolean(),
  approvalsRequired: z.number().int("a whole number").min(1, "at least 1").max(10, "at most 10").default(1),
});

export type GroupPolicyInput = z.input<typeof GroupPolicySchema>;
export type GroupPolicy = z.output<typeof GroupPolicySchema>;
export type MaintenanceWindows = z.output<typeof MaintenanceWindowsSchema>;
export type MaintenanceWindow = z.output<typeof MaintenanceWindowSchema>;
export type Phase = z.output<typeof PhaseSchema>;
export type FailureThreshold = z.output<typeof FailureThresholdSchema>;
export type RateLimit = z.output<typeof RateLimitSchema>;

/** What a group without an edited policy gets: everything at once, any time, no approval. */
export const DEFAULT_GROUP_POLICY: GroupPolicy = {
  maxConcurrentUpdates: null,
  maxUpdatesPerPeriod: null,
  updateTimeoutMinutes: 60,
  maintenanceWindows: null,
  phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }],
  requiresApproval: false,
  approvalsRequired: 1,
};
