import { z } from "zod";
import { GROUP_NAME } from "../agent/native-report";
import { normalizeArch } from "../agent/machine-id";
import { SYNC_KINDS } from "../sync/types";
import { FCOS_GRAPH_URL, FCOS_STREAMS_URL, FLATCAR_PUBLIC_OMAHA } from "../sync/defaults";

const httpUrl = z
  .url()
  .max(2048)
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

/**
 * A sync source: one channel and arch fed from upstream. Off unless `enabled` (Flotilla never
 * reaches out on its own). Upstream URLs default to the real projects' public servers.
 */
export const NewSyncSourceSchema = z
  .object({
    kind: z.enum(SYNC_KINDS),
    channelId: z.string().min(1).max(64).regex(GROUP_NAME),
    arch: z.string().min(1).max(32).transform(normalizeArch),
    /** Flatcar: the Omaha endpoint. FCOS: the stream metadata URL (`…/streams/<stream>.json`). */
    upstreamUrl: httpUrl.optional(),
    /** FCOS: the update graph endpoint (barriers and dead ends); `null` = none. */
    graphUrl: httpUrl.nullish(),
    /** Flatcar: the Omaha track to ask for. FCOS: the stream. Defaults to the channel's name without `fcos-`. */
    upstreamChannel: z.string().min(1).max(64).regex(GROUP_NAME).optional(),
    enabled: z.boolean().default(false),
    intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
    mirror: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    if (s.kind !== "flatcar" && s.mirror) ctx.addIssue({ code: "custom", path: ["mirror"], message: "only Flatcar payloads are mirrored (FCOS hosts pull OSTree commits or OCI images)" });
    if (!["amd64", "arm64", "ppc64le", "s390x"].includes(s.arch)) ctx.addIssue({ code: "custom", path: ["arch"], message: "amd64, arm64, ppc64le or s390x" });
  });
export type NewSyncSource = z.output<typeof NewSyncSourceSchema>;

/** The defaults filled in for a source: what the real upstream is called. */
export function syncSourceDefaults(s: NewSyncSource): { upstreamUrl: string; graphUrl: string | null; upstreamChannel: string } {
  const upstreamChannel = s.upstreamChannel ?? s.channelId.replace(/^fcos-/, "");
  if (s.kind === "flatcar") return { upstreamUrl: s.upstreamUrl ?? FLATCAR_PUBLIC_OMAHA, graphUrl: null, upstreamChannel };
  return {
    upstreamUrl: s.upstreamUrl ?? FCOS_STREAMS_URL.replace("{stream}", upstreamChannel),
    graphUrl: s.graphUrl === undefined ? FCOS_GRAPH_URL : s.graphUrl,
    upstreamChannel,
  };
}

export const SyncSourcePatchSchema = z.object({
  upstreamUrl: httpUrl.optional(),
  graphUrl: httpUrl.nullish(),
  upstreamChannel: z.string().min(1).max(64).regex(GROUP_NAME).optional(),
  enabled: z.boolean().optional(),
  intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  mirror: z.boolean().optional(),
});
export type SyncSourcePatch = z.output<typeof SyncSourcePatchSchema>;
