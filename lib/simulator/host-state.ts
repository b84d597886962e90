import { createHash } from "node:crypto";
import type { z } from "zod";
import type { NativeReportSchema, UpdateState } from "../agent/native-report";
import type { HostProfile } from "./fleet";
import { chance, intBetween, pick, type Rng } from "./random";
import { nextVersion } from "./versions";

/** The report body as an agent sends it (before the server's normalization). */
export type NativeReportBody = z.input<typeof NativeReportSchema>;

export type Slot = "A" | "B";

interface FailingCheck {
  name: string;
  detail: string;
  /** Reports left until it recovers. */
  remaining: number;
}

/** What changes over a host's life: its OS, where an update stands, its health. */
export interface HostState {
  version: string;
  /** USR-A / USR-B on Flatcar and A/B images; Fedora CoreOS reports ostree deployments instead. */
  slot: Slot | null;
  deploymentId: string | null;
  previousVersion: string | null;
  state: UpdateState;
  /** The version an update in progress is moving to. */
  target: string | null;
  error: { code: string; message: string } | null;
  failing: FailingCheck | null;
}

export interface Behaviour {
  /** Chance that an update attempt fails (download or verify error, or rollback after reboot). */
  failRate: number;
  /** Chance per report of an idle host that it finds an update and starts it. */
  updateRate: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { failRate: 0.02, updateRate: 0.03 };

export const AGENT = { name: "flotilla-sim", version: "0.1.0" } as const;

/** States between "found an update" and "back to idle": agents report these promptly. */
export function isUpdating(state: UpdateState): boolean {
  return state === "checking" || state === "downloading" || state === "downloaded" || state === "staged" || state === "rebooting";
}

function deploymentFor(version: string): string {
  return createHash("sha256").update(`fedora-coreos/${version}`).digest("hex");
}

function usesSlots(profile: HostProfile): boolean {
  return profile.osFamily !== "fcos";
}

function otherSlot(slot: Slot | null): Slot | null {
  return slot === null ? null : slot === "A" ? "B" : "A";
}

export function initialState(profile: HostProfile, rng: Rng): HostState {
  return {
    version: profile.initialVersion,
    slot: usesSlots(profile) ? pick(rng, ["A", "B"] as const) : null,
    deploymentId: usesSlots(profile) ? null : deploymentFor(profile.initialVersion),
    previousVersion: null,
    state: "idle",
    target: null,
    error: null,
    failing: null,
  };
}

const HEALTH_CHECKS = ["systemd-units", "disk-space", "ntp", "app-readiness"] as const;
const HEALTH_FAILURES: Record<(typeof HEALTH_CHECKS)[number], readonly string[]> = {
  "systemd-units": ["1 failed unit: containerd.service", "2 failed units: kubelet.service, locksmithd.service"],
  "disk-space": ["/var is 96% full", "/var/lib/docker is 99% full"],
  ntp: ["clock offset 2.4s", "no NTP source reachable"],
  "app-readiness": ["readiness probe failed: connection refused", "readiness probe timed out after 5s"],
};

function nextHealth(failing: FailingCheck | null, rng: Rng, b: Behaviour): FailingCheck | null {
  if (failing) return failing.remaining > 1 ? { ...failing, remaining: failing.remaining - 1 } : null;
  if (!chance(rng, b.failRate)) return null;
  const name = pick(rng, HEALTH_CHECKS);
  return { name, detail: pick(rng, HEALTH_FAILURES[name]), remaining: intBetween(rng, 1, 3) };
}

// failRate is split 40/20/40 over download, verify and boot; these are the conditional
// chances at each step so that the whole attempt fails with probability failRate.
function stepFailure(b: Behaviour): { download: number; verify: number; boot: number } {
  const f = Math.min(1, Math.max(0, b.failRate));
  const download = 0.4 * f;
  const verify = 1 - download > 0 ? (0.2 * f) / (1 - download) : 0;
  const boot = 1 - 0.6 * f > 0 ? (0.4 * f) / (1 - 0.6 * f) : 0;
  return { download, verify, boot };
}

/**
 * The state after one more report interval. Pure: the same state and rng draws give the
 * same result. idle → checking → downloading → downloaded → staged → rebooting → idle on
 * the new version (slot swapped), with detours to `error` and `rolled_back` at failRate.
 */
export function advance(s: HostState, profile: HostProfile, rng: Rng, b: Behaviour = DEFAULT_BEHAVIOUR): HostState {
  const failing = nextHealth(s.failing, rng, b);
  const p = stepFailure(b);
  const base = { ...s, failing };
  switch (s.state) {
    case "idle":
      if (!chance(rng, b.updateRate)) return base;
      return { ...base, state: "checking", target: nextVersion(profile.osFamily, s.version) };
    case "checking":
      return { ...base, state: "downloading" };
    case "downloading":
      if (chance(rng, p.download)) {
        return { ...base, state: "error", error: { code: "download_failed", message: `downloading ${s.target ?? "update"}: ${pick(rng, ["connection reset by peer", "HTTP 502 from payload server", "no space left on device"])}` } };
      }
      return { ...base, state: "downloaded" };
    case "downloaded":
      if (chance(rng, p.verify)) {
        return { ...base, state: "error", error: { code: "verify_failed", message: `payload for ${s.target ?? "update"} failed its checksum` } };
      }
      return { ...base, state: "staged" };
    case "staged":
      return { ...base, state: "rebooting" };
    case "rebooting": {
      const target = s.target ?? nextVersion(profile.osFamily, s.version);
      if (chance(rng, p.boot)) {
        // Booted the other slot, failed, and fell back: same slot and version as before.
        return {
          ...base,
          state: "rolled_back",
          target: null,
          error: { code: "boot_failed", message: `${target} failed health checks after reboot; rolled back to ${s.slot ? `slot ${s.slot}` : s.version}` },
        };
      }
      return {
        ...base,
        state: "idle",
        version: target,
        previousVersion: s.version,
        slot: otherSlot(s.slot),
        deploymentId: s.deploymentId === null ? null : deploymentFor(target),
        target: null,
        error: null,
      };
    }
    case "error":
    case "rolled_back":
      // The agent gives up on this attempt; a later check may try again.
      return { ...base, state: "idle", target: null, error: null };
  }
}

export function reportBody(profile: HostProfile, s: HostState): NativeReportBody {
  return {
    machineId: profile.machineId,
    hostname: profile.hostname,
    os: { family: profile.osFamily, version: s.version, arch: profile.arch },
    slot: s.slot,
    deploymentId: s.deploymentId,
    previousVersion: s.previousVersion,
    state: s.state,
    error: s.error,
    health: HEALTH_CHECKS.map((name) =>
      s.failing?.name === name ? { name, ok: false, detail: s.failing.detail } : { name, ok: true },
    ),
    labels: profile.labels,
    group: profile.group,
    agent: { ...AGENT },
  };
}
