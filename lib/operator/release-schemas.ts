import { z } from "zod";
import { GROUP_NAME, OS_FAMILY_VALUES } from "../agent/native-report";
import { normalizeArch } from "../agent/machine-id";

const base64 = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64")
    .refine((s) => Math.floor((s.length * 3) / 4) - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0) === bytes, `must be a base64 ${bytes * 8}-bit digest`);

/** A release in the catalog: Flatcar needs a payload (URL, name, size, SHA-1, SHA-256), FCOS an OSTree checksum. */
export const NewReleaseSchema = z
  .object({
    osFamily: z.enum(OS_FAMILY_VALUES),
    channelId: z.string().min(1).max(64).regex(GROUP_NAME),
    version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/, "must be a version like 4081.2.0"),
    arch: z.string().min(1).max(32).transform(normalizeArch),
    payloadUrl: z.url().max(2048).nullish(),
    payloadName: z.string().min(1).max(256).regex(/^[^/\s]+$/, "a file name, no slashes").nullish(),
    sizeBytes: z.number().int().positive().nullish(),
    sha1Base64: base64(20).nullish(),
    sha256Base64: base64(32).nullish(),
    ostreeChecksum: z.string().regex(/^[0-9a-f]{64}$/, "must be a 64-hex OSTree commit").nullish(),
    barrier: z.boolean().default(false),
    barrierReason: z.string().max(500).nullish(),
    deadend: z.boolean().default(false),
    deadendReason: z.string().max(500).nullish(),
    notes: z.string().max(2000).default(""),
  })
  .superRefine((r, ctx) => {
    if (r.osFamily === "flatcar") {
      for (const k of ["payloadUrl", "payloadName", "sizeBytes", "sha1Base64", "sha256Base64"] as const) {
        if (r[k] === undefined || r[k] === null) ctx.addIssue({ code: "custom", path: [k], message: "required for a Flatcar release" });
      }
    }
    if (r.osFamily === "fcos" && !r.ostreeChecksum) ctx.addIssue({ code: "custom", path: ["ostreeChecksum"], message: "required for a Fedora CoreOS release" });
  });
export type NewRelease = z.output<typeof NewReleaseSchema>;

export const ReleaseImportSchema = z.object({ releases: z.array(NewReleaseSchema).min(1).max(1000) });

/** The `updatedAt` the editor loaded: a change made meanwhile by someone else is refused (409). */
export const expectedUpdatedAt = z.iso.datetime({ offset: true }).optional();

export const ChannelTargetSchema = z.object({
  expectedUpdatedAt,
  releaseId: z.uuid().nullable(),
  /** Throttle the rollout (Cincinnati wariness): 0 = everyone at once. */
  rolloutDurationMinutes: z.number().int().min(0).max(60 * 24 * 30).default(0),
  rolloutStartValue: z.number().min(0).max(1).default(0),
  reason: z.string().trim().max(500).default(""),
});

export const ChannelPauseSchema = z.object({
  expectedUpdatedAt,
  paused: z.boolean(),
  reason: z.string().trim().min(1, "a reason is required").max(500),
});

export const RebootSlotsSchema = z.object({
  totalSlots: z.number().int().min(0).max(10_000),
  reason: z.string().trim().max(500).default(""),
});
export const ReleaseSlotSchema = z.object({ holderId: z.string().min(1).max(128), reason: z.string().trim().max(500).default("") });

export const PinSchema = z.object({
  scope: z.enum(["group", "host"]),
  targetId: z.string().min(1).max(64).regex(GROUP_NAME, "a group name or a host's machine id"),
  version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/, "must be a version like 4081.2.0"),
  reason: z.string().trim().min(1, "a reason is required").max(500),
  /** Who answers for the pin; defaults to the operator who sets it. */
  owner: z.string().trim().min(1).max(254).optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});

/** Roll a host or group back; without `toVersion` a host goes back to its previous version. */
export const RollbackSchema = z.object({
  toVersion: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/).optional(),
  reason: z.string().trim().min(1, "a reason is required").max(500),
});

/** "Retry version X on this host": lifts the block a boot failure put on it there. */
export const RetryFailedVersionSchema = z.object({
  version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/),
  reason: z.string().trim().min(1, "a reason is required").max(500),
});

/** Pin every host a host-list filter matches; `preview` only counts them. */
export const BulkPinSchema = z.object({
  filter: z.string().max(2000).default(""),
  version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/, "must be a version like 4081.2.0"),
  reason: z.string().trim().min(1, "a reason is required").max(500),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  preview: z.boolean().default(false),
  /** Roll the selection back: hosts on a newer version are taken down to `version`. */
  rollback: z.boolean().default(false),
});
