import { z } from "zod";
import { GROUP_NAME, GROUP_NAME_RULE, OS_FAMILY_VALUES } from "../agent/native-report";
import { normalizeArch } from "../agent/machine-id";
import { isPullspecError, parsePullspec, PULLSPEC_MAX } from "../cincinnati/oci";

const base64 = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64")
    .refine((s) => Math.floor((s.length * 3) / 4) - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0) === bytes, `must be a base64 ${bytes * 8}-bit digest`);

/**
 * An extra package of a Flatcar release (OEM or system extension image), listed in the Omaha
 * manifest after the main payload. Omaha has one codebase per answer, so an extension is served
 * from the main payload's base URL; `url` is where it is (upstream or mirrored).
 */
export const ExtensionPayloadSchema = z.object({
  name: z.string().min(1).max(256).regex(/^[^/\s]+$/, "a file name, no slashes"),
  url: z.url().max(2048).optional(),
  sizeBytes: z.number().int().positive(),
  sha1Base64: base64(20),
  sha256Base64: base64(32),
});
export type ExtensionPayloadInput = z.output<typeof ExtensionPayloadSchema>;

/**
 * An FCOS release's image pullspec for one arch, stored in the canonical form Zincati sends and
 * compares byte for byte (lib/cincinnati/oci.ts): `registry/repository@sha256:<hex>`, no tag.
 */
export const ociPullspecSchema = z
  .string()
  .trim()
  .max(PULLSPEC_MAX)
  .transform((s, ctx) => {
    const spec = parsePullspec(s);
    if (isPullspecError(spec)) {
      ctx.addIssue({ code: "custom", message: spec.error });
      return z.NEVER;
    }
    return spec.whole;
  });

/**
 * A release in the catalog: Flatcar needs a payload (URL, name, size, SHA-1, SHA-256), FCOS an
 * OSTree checksum or an OCI image pullspec (hosts booted from an image), or both.
 */
export const NewReleaseSchema = z
  .object({
    osFamily: z.enum(OS_FAMILY_VALUES),
    channelId: z.string().min(1).max(64).regex(GROUP_NAME, GROUP_NAME_RULE),
    version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/, "must be a version like 4081.2.0"),
    arch: z.string().min(1).max(32).transform(normalizeArch),
    payloadUrl: z.url().max(2048).nullish(),
    payloadName: z.string().min(1).max(256).regex(/^[^/\s]+$/, "a file name, no slashes").nullish(),
    sizeBytes: z.number().int().positive().nullish(),
    sha1Base64: base64(20).nullish(),
    sha256Base64: base64(32).nullish(),
    ostreeChecksum: z.string().regex(/^[0-9a-f]{64}$/, "must be a 64-hex OSTree commit").nullish(),
    extensionPayloads: z.array(ExtensionPayloadSchema).max(64).default([]),
    ociPullspec: ociPullspecSchema.nullish(),
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
    if (r.extensionPayloads.length && r.osFamily !== "flatcar") ctx.addIssue({ code: "custom", path: ["extensionPayloads"], message: "only Flatcar releases carry extension payloads" });
    const names = new Set<string>(r.payloadName ? [r.payloadName] : []);
    for (const [i, e] of r.extensionPayloads.entries()) {
      if (names.has(e.name)) ctx.addIssue({ code: "custom", path: ["extensionPayloads", i, "name"], message: "each package needs its own name" });
      names.add(e.name);
      // update_engine and Flatcar's postinstall fetch every package from the one codebase.
      if (e.url && r.payloadUrl && e.url !== extensionUrl(r.payloadUrl, e.name)) {
        ctx.addIssue({ code: "custom", path: ["extensionPayloads", i, "url"], message: `must be ${extensionUrl(r.payloadUrl, e.name)} (Omaha serves every package from the payload's base URL)` });
      }
    }
    // Upstream has releases with only an image (fedora-coreos-cincinnati fcos-graph-builder scraper, "releases without ostree commits").
    if (r.osFamily === "fcos" && !r.ostreeChecksum && !r.ociPullspec) ctx.addIssue({ code: "custom", path: ["ostreeChecksum"], message: "an OSTree checksum or an OCI image pullspec is required for a Fedora CoreOS release" });
    if (r.osFamily !== "fcos" && r.ociPullspec) ctx.addIssue({ code: "custom", path: ["ociPullspec"], message: "only Fedora CoreOS releases have an OCI image pullspec" });
  });
export type NewRelease = z.output<typeof NewReleaseSchema>;

/** Where a package of a release lives: the payload's base URL (a directory) plus its name. */
export function extensionUrl(payloadUrl: string, name: string): string {
  return `${payloadUrl.endsWith("/") ? payloadUrl : `${payloadUrl}/`}${encodeURIComponent(name)}`;
}

/** Promote a release to another channel of its family (alpha → beta → stable). */
export const ReleasePromoteSchema = z.object({
  channelId: z.string().min(1).max(64).regex(GROUP_NAME),
  reason: z.string().trim().max(500).default(""),
});

export const ReleaseImportSchema = z.object({ releases: z.array(NewReleaseSchema).min(1).max(1000) });

/** Edit a release's payload identity that can be added later: the OCI image pullspec (null clears it). */
export const ReleaseEditSchema = z.object({
  ociPullspec: ociPullspecSchema.nullable(),
  reason: z.string().trim().max(500).default(""),
});
export type ReleaseEdit = z.output<typeof ReleaseEditSchema>;

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
  /** The target has a rollback in place: replace it (refused with 409 replaces_rollback otherwise). */
  replaceRollback: z.boolean().default(false),
  /** Only say what the pin would do (hosts it reaches by OS family, warnings); nothing is written. */
  preview: z.boolean().default(false),
});

/** Roll a host or group back; without `toVersion` a host goes back to its previous version. */
export const RollbackSchema = z.object({
  toVersion: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z.+_~-]*$/).optional(),
  reason: z.string().trim().min(1, "a reason is required").max(500),
  /** The target already has a rollback in place: replace it. */
  replaceRollback: z.boolean().default(false),
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
  /** Some selected hosts have a rollback in place: replace them. */
  replaceRollback: z.boolean().default(false),
});
