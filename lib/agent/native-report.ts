import { z } from "zod";
import { agentText, maxLength } from "./field-bounds";
import { normalizeArch, normalizeMachineId } from "./machine-id";

export const UPDATE_STATE_VALUES = [
  "idle",
  "checking",
  "downloading",
  "downloaded",
  "staged",
  "rebooting",
  "rolled_back",
  "error",
] as const;
export type UpdateState = (typeof UPDATE_STATE_VALUES)[number];

export const OS_FAMILY_VALUES = ["flatcar", "fcos", "other"] as const;
export type OsFamily = (typeof OS_FAMILY_VALUES)[number];

/**
 * The one name rule for groups, channels and configs, whoever names them: operators, or agents
 * (Omaha track, Zincati group and stream, FleetLock group, native group). Zincati's and FleetLock's
 * rule (^[a-zA-Z0-9.-]+$) plus `_`, which update_engine's GROUP= may hold; never `.` or `..`, which
 * a URL path resolves away (such a group could not be opened, edited or deleted). Length: the
 * `group` bound of lib/agent/field-bounds.ts.
 */
export const GROUP_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;
export const GROUP_NAME_RULE = "letters, digits, . _ and - only (not . or ..)";
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/;
const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

const version = z.string().min(1).max(maxLength("version")).regex(VERSION, "must be a version like 4081.2.0");

/** Native agent protocol v1 report body (docs/agent-protocol.md). */
export const NativeReportSchema = z
  .object({
    machineId: z
      .string()
      .max(maxLength("machineId"))
      .transform((v, ctx) => {
        const id = normalizeMachineId(v);
        if (!id) {
          ctx.addIssue({ code: "custom", message: "must be 32 hex digits (/etc/machine-id)" });
          return z.NEVER;
        }
        return id;
      }),
    hostname: agentText("hostname").default(""),
    os: z.object({
      family: z.enum(OS_FAMILY_VALUES),
      version,
      arch: z.string().min(1).max(maxLength("arch")).transform(normalizeArch),
    }),
    slot: z.enum(["A", "B"]).nullish(),
    deploymentId: z.string().min(1).max(maxLength("deploymentId")).nullish(),
    previousVersion: version.nullish(),
    state: z.enum(UPDATE_STATE_VALUES),
    error: z
      .object({
        code: z.union([z.string().max(maxLength("errorCode")), z.number().int()]).transform(String),
        message: agentText("errorMessage").default(""),
      })
      .nullish(),
    health: z
      .array(
        z.object({
          name: z.string().min(1).max(maxLength("healthName")),
          ok: z.boolean(),
          detail: agentText("healthDetail").optional(),
        }),
      )
      .max(64)
      .default([]),
    labels: z
      .record(z.string().max(maxLength("labelKey")).regex(LABEL_KEY, "label keys are alphanumeric with . _ / -"), z.string().max(maxLength("labelValue")))
      .refine((l) => Object.keys(l).length <= 64, "at most 64 labels")
      .default({}),
    group: z.string().min(1).max(maxLength("group")).regex(GROUP_NAME, GROUP_NAME_RULE).default("default"),
    agent: z
      .object({ name: z.string().min(1).pipe(agentText("agentName")), version: z.string().min(1).pipe(agentText("agentVersion")) })
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.state === "error" && !r.error) {
      ctx.addIssue({ code: "custom", path: ["error"], message: "required when state is error" });
    }
  });

export type NativeReport = z.output<typeof NativeReportSchema>;

/** What the server tells the agent after a report. Agents ignore types they do not know. */
export type AgentDirective =
  | { type: "none"; reason: string | null }
  | { type: "update"; version: string; payloadUrl: string | null; payloadName: string | null; sizeBytes: number | null; sha256Base64: string | null; ostreeChecksum: string | null }
  // Boot the other slot again (A/B hosts keep the previous version there).
  | { type: "rollback"; toVersion: string; toSlot: "A" | "B" | null };

export interface NativeReportResponse {
  accepted: true;
  hostId: string;
  directive: AgentDirective;
  nextReportInSeconds: number;
  serverTime: string;
}

/** Spreads check-ins over ±10 % so a fleet that rebooted together does not stay in lockstep. */
export function nextReportDelay(baseSeconds: number, random: () => number = Math.random): number {
  const jitter = (random() * 2 - 1) * 0.1 * baseSeconds;
  return Math.max(5, Math.round(baseSeconds + jitter));
}
