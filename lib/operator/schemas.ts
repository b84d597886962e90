import { z } from "zod";
import { GROUP_NAME, GROUP_NAME_RULE, OS_FAMILY_VALUES, UPDATE_STATE_VALUES } from "../agent/native-report";
import { GroupPolicySchema } from "../rollout/policy-schema";

/** Request bodies of the operator API; the UI forms validate with the same schemas. */
const email = z
  .email("must be an e-mail address")
  .max(254)
  .transform((e) => e.trim().toLowerCase());
const password = z.string().min(10, "at least 10 characters").max(256);
const role = z.enum(["viewer", "operator", "approver", "admin"]);
const name = z.string().trim().min(1, "required").max(100);
const expiresInDays = z.number().int().min(1).max(3650).nullish();

export const LoginSchema = z.object({ email, password: z.string().min(1, "required").max(256) });
export const SetupSchema = z.object({ token: z.string().min(1).max(200), email, name, password });
export const NewUserSchema = z.object({ email, name, password, role });
export const UserPatchSchema = z
  .object({ name: name.optional(), role: role.optional(), disabled: z.boolean().optional(), password: password.optional() })
  .refine((p) => Object.keys(p).length > 0, "nothing to change");
export const NewEnrollmentTokenSchema = z.object({ name, expiresInDays });
export const NewApiTokenSchema = z.object({ name, userId: z.uuid("must be a user id"), expiresInDays });
const objectName = z.string().min(1, "required").max(64).regex(GROUP_NAME, GROUP_NAME_RULE);
export const NewChannelSchema = z.object({
  id: objectName,
  osFamily: z.enum(OS_FAMILY_VALUES),
  description: z.string().max(500).default(""),
});
export const NewGroupSchema = z.object({
  id: objectName,
  description: z.string().max(500).default(""),
  channelId: objectName.nullish().transform((v) => v ?? null),
});
export const AuditQuerySchema = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(254).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const HistoryQuerySchema = z.object({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function expiryFrom(days: number | null | undefined, now = new Date()): Date | null {
  return days ? new Date(now.getTime() + days * 86_400_000) : null;
}

export const VoteSchema = z.object({ comment: z.string().trim().min(1, "a comment is required").max(1000) });

export const GroupPatchSchema = z
  .object({
    description: z.string().max(500).optional(),
    channelId: objectName.nullable().optional(),
    requiresApproval: z.boolean().optional(),
    approvalsRequired: z.number().int().min(1).max(10).optional(),
    /** Assign hosts by label: all pairs must match (null: by name only). */
    labelSelector: z
      .record(z.string().min(1).max(63).regex(/^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/, "label keys are alphanumeric with . _ / -"), z.string().max(256))
      .refine((l) => Object.keys(l).length >= 1 && Object.keys(l).length <= 16, "give 1 to 16 label pairs, or null to assign by name only")
      .nullable()
      .optional(),
    /** The rollout policy; errors name the field, e.g. `policy.maintenanceWindows.timeZone`. */
    policy: GroupPolicySchema.nullable().optional(),
    /** The `updatedAt` the editor loaded: a change made meanwhile is refused (409). */
    expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((p) => Object.keys(p).filter((k) => k !== "expectedUpdatedAt").length > 0, "nothing to change");

export const ExportFormatSchema = z.enum(["csv", "ndjson"]).default("csv");

export const AuditExportSchema = z.object({
  format: ExportFormatSchema,
  action: z.string().max(100).optional(),
  actor: z.string().max(254).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
  to: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
});

export const HistoryExportSchema = z.object({
  format: ExportFormatSchema,
  host: z.string().max(64).optional(),
  group: z.string().max(64).optional(),
  version: z.string().max(64).optional(),
  protocol: z.enum(["native", "omaha", "cincinnati"]).optional(),
  state: z.enum(UPDATE_STATE_VALUES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
