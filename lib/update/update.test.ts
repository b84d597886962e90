import { describe, expect, it } from "vitest";
import { decideUpdate } from "./decide";
import type { MaintenanceWindows } from "../rollout/policy-schema";
import { channel, release } from "./test-fixtures";
import { channelArchKey, resolveChannel, resolveGroup, type ChannelInfo, type PolicySnapshot, type ReleaseInfo, type RolloutInfo } from "./policy";
import { compareVersions } from "./version";

function snapshot(
  releases: ReleaseInfo[],
  channels: ChannelInfo[],
  groups: Array<{ id: string; channelId: string | null; maintenanceWindows?: MaintenanceWindows | null; approvalsRequired?: number | null }> = [],
  rollouts: RolloutInfo[] = [],
): PolicySnapshot {
  const byKey = new Map<string, ReleaseInfo[]>();
  for (const r of releases) {
    const k = channelArchKey(r.channelId ?? "", r.arch);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  return {
    groups: new Map(groups.map((g) => [g.id, { maintenanceWindows: null, limits: null, approvalsRequired: null, ...g }])),
    groupPins: new Map(),
    hostPins: new Map(),
    channels: new Map(channels.map((c) => [c.id, c])),
    releases: new Map(releases.map((r) => [r.id, r])),
    releasesByChannelArch: byKey,
    rollouts: new Map(rollouts.map((r) => [r.groupId, r])),
  };
}

describe("version order", () => {
  it.each([
    ["3975.2.2", "4081.2.0", -1],
    ["4081.2.0", "4081.2.0", 0],
    ["4081.10.0", "4081.9.0", 1],
    ["40.20240416.3.1", "40.20240504.3.0", -1],
    ["3975.2", "3975.2.1", -1],
  ])("%s vs %s", (a, b, r) => {
    expect(Math.sign(compareVersions(a, b))).toBe(r);
  });
});

describe("update decision", () => {
  const old = release({ version: "3975.2.2" });
  const target = release({ version: "4081.2.0" });
  const armTarget = release({ version: "4081.2.0", arch: "arm64" });

  it("offers the channel target to hosts below it, per architecture", () => {
    const p = snapshot([old, target, armTarget], [channel({ targetReleaseId: target.id })]);
    const c = p.channels.get("stable")!;
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toEqual({ kind: "offer", release: target, pinned: false, rollback: false });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "arm64" })).toEqual({ kind: "offer", release: armTarget, pinned: false, rollback: false });
  });

  it.each([
    ["no channel", null, "3975.2.2", "no_channel"],
    ["a paused channel", channel({ targetReleaseId: "r-4081.2.0-amd64", paused: true, pausedReason: "bad kernel" }), "3975.2.2", "paused"],
    ["no target", channel(), "3975.2.2", "no_target"],
    ["the target itself", channel({ targetReleaseId: "r-4081.2.0-amd64" }), "4081.2.0", "up_to_date"],
    ["a newer version", channel({ targetReleaseId: "r-4081.2.0-amd64" }), "4152.0.0", "newer_than_target"],
  ])("holds on %s", (_what, c, version, reason) => {
    const p = snapshot([old, target], c ? [c] : []);
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version, arch: "amd64" })).toMatchObject({ kind: "hold", reason });
  });

  it("says why when the paused channel has a reason", () => {
    const c = channel({ targetReleaseId: target.id, paused: true, pausedReason: "bad kernel" });
    expect(decideUpdate(snapshot([target], [c]), c, { id: "h1", groupId: "g1", version: "1.0.0", arch: "amd64" })).toMatchObject({ detail: "channel stable paused: bad kernel" });
  });

  it("holds when the target has no payload for the host's arch", () => {
    const c = channel({ targetReleaseId: target.id });
    expect(decideUpdate(snapshot([target], [c]), c, { id: "h1", groupId: "g1", version: "1.0.0", arch: "riscv64" })).toMatchObject({ reason: "no_payload_for_arch" });
  });

  it("a host pin beats a group pin, which beats the channel target; pins never downgrade and expire", () => {
    const mid = release({ version: "4000.0.0" });
    const p = snapshot([old, mid, target], [channel({ targetReleaseId: target.id })]);
    const c = p.channels.get("stable")!;
    const pin = (scope: "group" | "host", targetId: string, version: string, expiresAt: Date | null = null) => ({ id: `${scope}-${targetId}`, scope, targetId, version, reason: "cert rotation", owner: "ops@example.com", expiresAt, allowDowngrade: false });
    p.groupPins.set("g1", pin("group", "g1", "4000.0.0"));
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toEqual({ kind: "offer", release: mid, pinned: true, rollback: false });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "4000.0.0", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "pinned", detail: "group pinned to 4000.0.0 by ops@example.com: cert rotation" });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "4081.2.0", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "pinned" });
    p.hostPins.set("h1", pin("host", "h1", "3975.2.2"));
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "pinned", detail: "host pinned to 3975.2.2 by ops@example.com: cert rotation" });
    const now = new Date("2026-11-27T12:00:00Z");
    p.hostPins.set("h1", pin("host", "h1", "3975.2.2", new Date(now.getTime() - 1)));
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" }, now)).toMatchObject({ kind: "offer", release: mid });
  });

  it("a rollback pin takes a newer host back, then holds it there with the reason", () => {
    const p = snapshot([old, target], [channel({ targetReleaseId: target.id })]);
    const c = p.channels.get("stable")!;
    p.hostPins.set("h1", { id: "rb", scope: "host", targetId: "h1", version: "3975.2.2", reason: "kernel panic on boot", owner: "ops@example.com", expiresAt: null, allowDowngrade: true });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "4081.2.0", arch: "amd64" })).toEqual({ kind: "offer", release: old, pinned: true, rollback: true });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "rolled_back", detail: "rolled back to 3975.2.2 by ops@example.com: kernel panic on boot" });
  });

  it("a recalled target is never offered; hosts on a recalled release go back to the last good one", () => {
    const bad = release({ version: "4081.2.0", recalled: "corrupts /var on reboot" });
    const p = snapshot([old, release({ version: "4000.0.0", recalled: "older recall" }), bad], [channel({ targetReleaseId: bad.id })]);
    const c = p.channels.get("stable")!;
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "recalled", detail: "4081.2.0 was recalled: corrupts /var on reboot" });
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "4081.2.0", arch: "amd64" })).toEqual({ kind: "offer", release: old, pinned: false, rollback: true });
    const onlyBad = snapshot([bad], [channel({ targetReleaseId: bad.id })]);
    expect(decideUpdate(onlyBad, onlyBad.channels.get("stable")!, { id: "h1", groupId: "g1", version: "4081.2.0", arch: "amd64" })).toMatchObject({ kind: "hold", reason: "recalled" });
  });

  it("starts updates only inside the group's maintenance window; rollbacks are not held back", () => {
    const windows: MaintenanceWindows = { timeZone: "Europe/Berlin", windows: [{ days: ["sat"], start: "02:00", durationMinutes: 120 }], blackoutDates: ["2026-12-24"] };
    const p = snapshot([old, target], [channel({ targetReleaseId: target.id })], [{ id: "g1", channelId: "stable", maintenanceWindows: windows }]);
    const c = p.channels.get("stable")!;
    const host = { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64" };
    // Friday 2026-11-27 12:00 UTC is outside; Saturday 02:30 Berlin (01:30 UTC) is inside.
    expect(decideUpdate(p, c, host, new Date("2026-11-27T12:00:00Z"))).toMatchObject({ kind: "hold", reason: "outside_window" });
    expect(decideUpdate(p, c, host, new Date("2026-11-28T01:30:00Z"))).toMatchObject({ kind: "offer", release: target });
    p.hostPins.set("h1", { id: "rb", scope: "host", targetId: "h1", version: "3975.2.2", reason: "bad", owner: "ops@example.com", expiresAt: null, allowDowngrade: true });
    expect(decideUpdate(p, c, { ...host, version: "4081.2.0" }, new Date("2026-11-27T12:00:00Z"))).toMatchObject({ kind: "offer", rollback: true });
  });

  it("resolves the channel from the group, else from the track per OS family", () => {
    const flatcar = channel();
    const fcos = channel({ id: "fcos-stable", osFamily: "fcos" });
    const workers = channel({ id: "workers-ch" });
    const p = snapshot([], [flatcar, fcos, workers], [{ id: "workers", channelId: "workers-ch" }]);
    expect(resolveChannel(p, "flatcar", "workers", "stable")?.id).toBe("workers-ch");
    expect(resolveChannel(p, "flatcar", "default", "stable")?.id).toBe("stable");
    expect(resolveChannel(p, "fcos", "default", "stable")?.id).toBe("fcos-stable");
    expect(resolveChannel(p, "fcos", "default", "next")).toBeNull();
  });
});

describe("group by label", () => {
  it("assigns a host to the group whose selector its labels match, the most specific first, else the group it asked for", () => {
    const p = snapshot([], [], [
      { id: "edge", channelId: null },
      { id: "berlin", channelId: null },
      { id: "berlin-gpu", channelId: null },
    ]);
    p.groups.get("berlin")!.labelSelector = { site: "berlin" };
    p.groups.get("berlin-gpu")!.labelSelector = { site: "berlin", gpu: "true" };
    expect(resolveGroup(p, "edge", { site: "berlin" })).toBe("berlin");
    expect(resolveGroup(p, "edge", { site: "berlin", gpu: "true", rack: "7" })).toBe("berlin-gpu");
    expect(resolveGroup(p, "edge", { site: "paris" })).toBe("edge");
    expect(resolveGroup(p, "edge", {})).toBe("edge");
  });
});

// update_engine installs whatever it is offered (omaha_request_action.cc ParseResponse has no
// version check) and after a GRUB fallback reports 3/0 errorcode 44 (GetAppBody): offering the
// same version again makes the host install it and fall back again, forever.
describe("versions that failed on a host", () => {
  const old = release({ version: "3975.2.2" });
  const target = release({ version: "4081.2.0" });
  const next = release({ version: "4152.2.0" });

  it("never offers a version that failed to boot on this host; other hosts still get it", () => {
    const p = snapshot([old, target], [channel({ targetReleaseId: target.id })]);
    const c = p.channels.get("stable")!;
    const failed = new Set(["4081.2.0"]);
    expect(decideUpdate(p, c, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64", failedVersions: failed })).toEqual({
      kind: "hold",
      reason: "failed_here",
      detail: "4081.2.0 failed to boot on this host (it fell back to 3975.2.2); it is not offered again until an operator retries it here.",
    });
    expect(decideUpdate(p, c, { id: "h2", groupId: "g1", version: "3975.2.2", arch: "amd64" })).toMatchObject({ kind: "offer", release: target });
  });

  it("a newer target is offered again: only the failed version is blocked", () => {
    const p = snapshot([old, target, next], [channel({ targetReleaseId: next.id })]);
    expect(decideUpdate(p, p.channels.get("stable")!, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64", failedVersions: new Set(["4081.2.0"]) })).toMatchObject({ kind: "offer", release: next });
  });

  it("a pin to the failed version holds too: the retry is the operator's explicit act", () => {
    const p = snapshot([old, target], [channel({ targetReleaseId: target.id })]);
    p.hostPins.set("h1", { id: "p", scope: "host", targetId: "h1", version: "4081.2.0", reason: "r", owner: "ana", expiresAt: null, allowDowngrade: false });
    expect(decideUpdate(p, p.channels.get("stable")!, { id: "h1", groupId: "g1", version: "3975.2.2", arch: "amd64", failedVersions: new Set(["4081.2.0"]) })).toMatchObject({ kind: "hold", reason: "failed_here" });
  });
});

// Barriers and dead ends hold on every protocol, not only in the Cincinnati graph (where a node
// below a barrier has its edge only to the barrier, and a dead end has no edge out: see
// lib/cincinnati/graph.ts and fedora-coreos-cincinnati's barrier/deadend metadata).
describe("barriers and dead ends", () => {
  const v1 = release({ version: "3975.2.2" });
  const barrier = release({ version: "4081.2.0", barrier: true, barrierReason: "migrates /usr to btrfs" });
  const v3 = release({ version: "4152.2.0" });
  const v4 = release({ version: "4230.2.0" });
  const p = () => snapshot([v1, barrier, v3, v4], [channel({ targetReleaseId: v4.id })]);
  const host = (version: string) => ({ id: "h1", groupId: "g1", version, arch: "amd64" });

  it("a host below a barrier is offered the barrier release, not the target", () => {
    const s = p();
    expect(decideUpdate(s, s.channels.get("stable")!, host("3975.2.2"))).toEqual({ kind: "offer", release: barrier, pinned: false, rollback: false, barrier: { target: "4230.2.0", reason: "migrates /usr to btrfs" } });
  });

  it("a host on or past the barrier goes on to the target", () => {
    const s = p();
    expect(decideUpdate(s, s.channels.get("stable")!, host("4081.2.0"))).toMatchObject({ kind: "offer", release: v4 });
    expect(decideUpdate(s, s.channels.get("stable")!, host("4152.2.0"))).toMatchObject({ kind: "offer", release: v4 });
  });

  it("a pin above a barrier also passes through it; a rollback does not", () => {
    const s = p();
    s.hostPins.set("h1", { id: "p", scope: "host", targetId: "h1", version: "4152.2.0", reason: "r", owner: "ana", expiresAt: null, allowDowngrade: false });
    expect(decideUpdate(s, s.channels.get("stable")!, host("3975.2.2"))).toMatchObject({ kind: "offer", release: barrier, pinned: true });
    s.hostPins.set("h1", { id: "p", scope: "host", targetId: "h1", version: "3975.2.2", reason: "r", owner: "ana", expiresAt: null, allowDowngrade: true });
    expect(decideUpdate(s, s.channels.get("stable")!, host("4152.2.0"))).toMatchObject({ kind: "offer", release: v1, rollback: true });
  });

  it("a barrier that failed on this host holds there", () => {
    const s = p();
    expect(decideUpdate(s, s.channels.get("stable")!, { ...host("3975.2.2"), failedVersions: new Set(["4081.2.0"]) })).toMatchObject({ kind: "hold", reason: "failed_here" });
  });

  it("a host on a dead-end release is told why and offered nothing; an operator rollback still works", () => {
    const dead = release({ version: "4152.2.0", deadend: true, deadendReason: "breaks the network on Azure" });
    const s = snapshot([v1, dead, v4], [channel({ targetReleaseId: v4.id })]);
    expect(decideUpdate(s, s.channels.get("stable")!, host("4152.2.0"))).toEqual({
      kind: "hold",
      reason: "deadend",
      detail: "4152.2.0 is a dead end: breaks the network on Azure. Hosts on it are not updated automatically.",
    });
    s.hostPins.set("h1", { id: "p", scope: "host", targetId: "h1", version: "3975.2.2", reason: "r", owner: "ana", expiresAt: null, allowDowngrade: true });
    expect(decideUpdate(s, s.channels.get("stable")!, host("4152.2.0"))).toMatchObject({ kind: "offer", release: v1, rollback: true });
  });
});
