// Release and channel fixtures for the decision and graph tests.
import type { ChannelInfo, ReleaseInfo } from "./policy";

export function release(over: Partial<ReleaseInfo> & { version: string }): ReleaseInfo {
  return {
    id: `r-${over.version}-${over.arch ?? "amd64"}`,
    osFamily: "flatcar",
    channelId: "stable",
    arch: "amd64",
    payloadUrl: `https://update.example/amd64-usr/${over.version}/`,
    payloadName: "flatcar_production_update.gz",
    sizeBytes: 1000,
    sha1Base64: "c2hhMQ==",
    sha256Base64: "c2hhMjU2",
    ostreeChecksum: null,
    ociPullspec: null,
    barrier: false,
    barrierReason: null,
    deadend: false,
    deadendReason: null,
    recalled: null,
    ...over,
  };
}

export function channel(over: Partial<ChannelInfo> = {}): ChannelInfo {
  return { id: "stable", osFamily: "flatcar", targetReleaseId: null, paused: false, pausedReason: null, rolloutStartedAt: null, rolloutDurationMinutes: 0, rolloutStartValue: 0, ...over };
}

