import type { Db } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel } from "@/db/queries/groups";
import { createReleases, setChannelTarget } from "@/db/queries/releases";

const sha1 = Buffer.alloc(20, 1).toString("base64");
const sha256 = Buffer.alloc(32, 2).toString("base64");

export function flatcarRelease(version: string, arch = "amd64", channelId = "stable") {
  return {
    osFamily: "flatcar" as const,
    channelId,
    version,
    arch,
    payloadUrl: `https://update.release.example/${arch}-usr/${version}/`,
    payloadName: "flatcar_production_update.gz",
    sizeBytes: 364314900,
    sha1Base64: sha1,
    sha256Base64: sha256,
    barrier: false,
    deadend: false,
    notes: "",
  };
}

export function fcosRelease(version: string, checksum: string, channelId = "fcos-stable") {
  return { osFamily: "fcos" as const, channelId, version, arch: "amd64", ostreeChecksum: checksum, barrier: false, deadend: false, notes: "" };
}

export const PAYLOAD_HASHES = { sha1, sha256 };

/** A Flatcar `stable` channel with two releases, targeting the newer one. */
export async function seedFlatcarStable(db: Db) {
  await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
  const rels = await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0"), flatcarRelease("4081.2.0", "arm64")], "release.import");
  await setChannelTarget(db, SYSTEM_ACTOR, "stable", { releaseId: rels[1]!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
  return rels;
}
