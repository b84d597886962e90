// A Flatcar host as update_engine drives it over Omaha v3 (docs: /work/shared/docs/protocols.md §1).
import type { HostProfile } from "./fleet";
import { chance, hexString, intBetween, pick, type Rng } from "./random";
import type { SimRequest } from "./transport";
import { RELEASES } from "./versions";

/** Flatcar's application id, braced as update_engine sends it. */
export const FLATCAR_APP_ID = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";
export const UPDATER_VERSION = "update_engine-0.4.10";
/** `GROUP=` in /etc/flatcar/update.conf: the Omaha track, and the host's group on the server. */
export const OMAHA_TRACK = "stable";
export const OMAHA_PATH = "/v1/update/";
/** Error-code flag update_engine sets whenever SERVER is not Flatcar's own. */
export const NON_OFFICIAL_SERVER = 1 << 28;
/** GRUB fell back to the previous partition. */
export const ROLLBACK_DETECTED = 44;
const DOWNLOAD_ERRORS = [NON_OFFICIAL_SERVER + 10, NON_OFFICIAL_SERVER + 9, NON_OFFICIAL_SERVER + 14] as const; // hash mismatch, transfer, write
const RESPONSE_INVALID = NON_OFFICIAL_SERVER + 34;

/** Where the host stands, as the status line counts it. */
export type OmahaPhase = "idle" | "downloading" | "installing" | "rebooting" | "error" | "rolled_back";
/** What the next request carries: a periodic check-in, or one event of an update in progress. */
export type OmahaNext = "check" | "download_started" | "download_finished" | "installed" | "failed";

export interface OmahaHostState {
  version: string;
  /** What the host ran before its last update (`previousversion` of 3/2); null sends `0.0.0.0`. */
  previousVersion: string | null;
  /** Changes on every (simulated) boot. */
  bootId: string;
  phase: OmahaPhase;
  next: OmahaNext;
  /** The version being downloaded or installed. */
  target: string | null;
  /** After a GRUB fallback: the version that did not boot. Every check reports 3/0 errorcode=44 until another version is offered. */
  fellBackFrom: string | null;
  /** Error code of the failure event about to be sent. */
  errorCode: number | null;
  /** Versions that failed to boot here: the server must never offer them to this host again. */
  failed: string[];
}

export interface OmahaBehaviour {
  /** Chance that an update attempt fails: half as a download error, half as a GRUB fallback after the reboot. */
  failRate: number;
}

/** How long until the next request: the periodic check, or an update step of `seconds` (real time, before pacing). */
export type OmahaWait = { kind: "periodic" } | { kind: "step"; seconds: number };

export interface OmahaStep {
  state: OmahaHostState;
  wait: OmahaWait;
  /** The answer was not what update_engine accepts (shown once per distinct text). */
  problem?: string;
}

function bootId(rng: Rng): string {
  const h = hexString(rng, 32);
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}}`;
}

export function initialOmahaState(profile: HostProfile, rng: Rng): OmahaHostState {
  const train = RELEASES.flatcar;
  const i = train.indexOf(profile.initialVersion);
  // A host installed with an older release got here by updating: it says so in 3/2.
  const previousVersion = profile.alephVersion !== profile.initialVersion && i > 0 ? train[i - 1]! : null;
  return { version: profile.initialVersion, previousVersion, bootId: bootId(rng), phase: "idle", next: "check", target: null, fellBackFrom: null, errorCode: null, failed: [] };
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function eventXml(type: number, result: number, extra = ""): string {
  return `<event eventtype="${type}" eventresult="${result}"${extra}></event>`;
}

/** The body update_engine posts next: a check-in (ping, updatecheck, 3/2 or 3/0) or an event-only request. */
export function omahaRequestXml(profile: HostProfile, s: OmahaHostState): string {
  const arm = profile.arch === "arm64";
  let inner: string;
  switch (s.next) {
    case "check": {
      const status = s.fellBackFrom !== null ? eventXml(3, 0, ` errorcode="${ROLLBACK_DETECTED}"`) : eventXml(3, 2, ` previousversion="${esc(s.previousVersion ?? "0.0.0.0")}"`);
      inner = `<ping active="1"></ping><updatecheck></updatecheck>${status}`;
      break;
    }
    case "download_started":
      inner = eventXml(13, 1);
      break;
    case "download_finished":
      inner = eventXml(14, 1);
      break;
    case "installed":
      inner = eventXml(3, 1);
      break;
    case "failed":
      inner = eventXml(3, 0, ` errorcode="${s.errorCode ?? 1}"`);
      break;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<request protocol="3.0" version="${UPDATER_VERSION}" updaterversion="${UPDATER_VERSION}" installsource="scheduler" ismachine="1">` +
    `<os version="Chateau" platform="CoreOS" sp="${esc(s.version)}_${arm ? "aarch64" : "x86_64"}"></os>` +
    `<app appid="${FLATCAR_APP_ID}" version="${esc(s.version)}" track="${OMAHA_TRACK}" bootid="${s.bootId}" oem="${esc(profile.platform)}" oemversion="" ` +
    `alephversion="${esc(profile.alephVersion)}" machineid="${profile.machineId}" machinealias="${esc(profile.hostname)}" lang="en-US" board="${arm ? "arm64-usr" : "amd64-usr"}" hardware_class="" delta_okay="false">` +
    `${inner}</app></request>\n`
  );
}

export function omahaRequest(profile: HostProfile, s: OmahaHostState): SimRequest {
  return { method: "POST", path: OMAHA_PATH, body: omahaRequestXml(profile, s), headers: { "content-type": "text/xml", accept: "*/*", "user-agent": UPDATER_VERSION } };
}

/** What update_engine takes from an answer. */
export type OmahaAnswer = { kind: "noupdate" } | { kind: "update"; version: string; codebase: string; extensions?: string[] } | { kind: "ack" } | { kind: "invalid"; reason: string };

function tagAttrs(xml: string, tag: string): Map<string, string> | null {
  const m = new RegExp(`<${tag}\\b([^>]*?)/?>`).exec(xml);
  if (!m) return null;
  const attrs = new Map<string, string>();
  for (const a of m[1]!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)) attrs.set(a[1]!, a[2]!);
  return attrs;
}

/**
 * Reads a response the way update_engine does: `updatecheck@status`, and for an offer every
 * `url@codebase`, the package name and size (> 0), `manifest@version` and the postinstall
 * action's sha256. Anything else is OmahaResponseInvalid on the host.
 */
export function parseOmahaResponse(xml: string, checked: boolean): OmahaAnswer {
  const response = tagAttrs(xml, "response");
  if (!response || response.get("protocol") !== "3.0") return { kind: "invalid", reason: "no <response protocol=\"3.0\">" };
  // go-omaha's client takes the app whose appid is exactly the one it sent (client.go doReq, GetApp).
  const apps = [...xml.matchAll(/<app\b([^>]*)>/g)].map((m) => tagAttrs(`<app${m[1]!}>`, "app")!);
  const app = apps.find((a) => a.get("appid") === FLATCAR_APP_ID);
  if (!app) return { kind: "invalid", reason: apps.length ? `app ${FLATCAR_APP_ID} missing from response (appids: ${apps.map((a) => a.get("appid")).join(", ")})` : "response has no <app>" };
  if (app.get("status") !== "ok") return { kind: "invalid", reason: `app status "${app.get("status") ?? ""}"` };
  if (!checked) return /<event\b[^>]*status="ok"/.test(xml) ? { kind: "ack" } : { kind: "invalid", reason: "event not acknowledged" };
  const check = tagAttrs(xml, "updatecheck");
  if (!check) return { kind: "invalid", reason: "response has no <updatecheck>" };
  const status = check.get("status");
  if (status === "noupdate") return { kind: "noupdate" };
  if (status !== "ok") return { kind: "invalid", reason: `updatecheck status "${status ?? ""}"` };
  const codebase = tagAttrs(xml, "url")?.get("codebase");
  const version = tagAttrs(xml, "manifest")?.get("version");
  const pkg = tagAttrs(xml, "package");
  const size = Number(pkg?.get("size"));
  const postinstall = [...xml.matchAll(/<action\b([^>]*)>/g)].map((m) => m[1]!).find((a) => /\bevent="postinstall"/.test(a));
  if (!codebase) return { kind: "invalid", reason: "offer without url@codebase" };
  if (!version) return { kind: "invalid", reason: "offer without manifest@version" };
  if (!pkg?.get("name") || !(size > 0)) return { kind: "invalid", reason: "offer without package name and size" };
  if (!postinstall || !/\bsha256="[^"]+"/.test(postinstall)) return { kind: "invalid", reason: "offer without postinstall sha256" };
  // Extension packages follow the main one; Flatcar's postinstall fetches each by name from the
  // same codebase, so each needs a name, a size and both hashes (Nebraska's omaha.go lists them so).
  const extensions: string[] = [];
  for (const m of [...xml.matchAll(/<package\b([^>]*?)\/?>/g)].slice(1)) {
    const a = new Map([...m[1]!.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*"([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (!a.get("name") || !(Number(a.get("size")) > 0) || !a.get("hash") || !/^[0-9a-f]{64}$/.test(a.get("hash_sha256") ?? "")) return { kind: "invalid", reason: "extension package without name, size or hashes" };
    extensions.push(a.get("name")!);
  }
  return { kind: "update", version, codebase, ...(extensions.length ? { extensions } : {}) };
}

const PAYLOAD_ARCH = /\/(amd64|arm64)-usr\//;

// failRate is split evenly between download and boot; conditional chances so that a whole
// attempt fails with probability failRate.
function failureChances(failRate: number): { download: number; boot: number } {
  const f = Math.min(1, Math.max(0, failRate));
  const download = f / 2;
  return { download, boot: download < 1 ? f / 2 / (1 - download) : 0 };
}

const step = (rng: Rng, min: number, max: number): OmahaWait => ({ kind: "step", seconds: min + rng() * (max - min) });

/**
 * The host after the server answered its last request (any status the simulation does not
 * retry). Pure: the same state, answer and rng draws give the same result.
 *
 * check (offered X) → 13/1 → 14/1 → 3/1 → reboot → check on X with 3/2 previousversion;
 * at failRate a download error (3/0 with an error code) or a GRUB fallback (back on the old
 * version, 3/0 errorcode=44 on every check until another version is offered). Like update_engine
 * it installs whatever it is offered; an offer of a version that failed here, or of a payload
 * for the other architecture, is reported as a problem.
 */
export function omahaAnswered(profile: HostProfile, s: OmahaHostState, status: number, body: string, rng: Rng, b: OmahaBehaviour): OmahaStep {
  const ok = status >= 200 && status < 300;
  const answer: OmahaAnswer = ok ? parseOmahaResponse(body, s.next === "check") : { kind: "invalid", reason: `HTTP ${status}` };
  const problem = answer.kind === "invalid" && ok ? `invalid Omaha response: ${answer.reason}` : undefined;
  const p = failureChances(b.failRate);
  switch (s.next) {
    case "check": {
      const settled: OmahaPhase = s.fellBackFrom !== null ? "rolled_back" : s.phase === "error" ? "error" : "idle";
      if (answer.kind === "invalid") {
        // update_engine reports a response it cannot use as error 34, then waits for the next check.
        if (!ok) return { state: { ...s, phase: settled }, wait: { kind: "periodic" } };
        return { state: { ...s, phase: "error", next: "failed", errorCode: RESPONSE_INVALID }, wait: step(rng, 1, 3), ...(problem ? { problem } : {}) };
      }
      if (answer.kind !== "update") return { state: { ...s, phase: settled === "error" ? "idle" : settled }, wait: { kind: "periodic" } };
      if (answer.version === s.version) return { state: { ...s, phase: "idle" }, wait: { kind: "periodic" }, problem: `offered ${answer.version}, the version the host runs` };
      // A payload built for the other architecture fails verification after the whole download.
      const payloadArch = PAYLOAD_ARCH.exec(answer.codebase)?.[1];
      if (payloadArch && payloadArch !== profile.arch) return { state: { ...s, phase: settled }, wait: { kind: "periodic" }, problem: `offered an ${payloadArch} payload to an ${profile.arch} host` };
      // update_engine installs whatever it is offered, even a version that already failed here.
      const again = s.failed.includes(answer.version) ? { problem: `offered ${answer.version} again after it failed to boot on this host` } : {};
      return { state: { ...s, phase: "downloading", next: "download_started", target: answer.version, fellBackFrom: null, errorCode: null }, wait: step(rng, 1, 5), ...again };
    }
    case "download_started":
      if (chance(rng, p.download)) return { state: { ...s, next: "failed", errorCode: pick(rng, DOWNLOAD_ERRORS) }, wait: step(rng, 5, 60), ...(problem ? { problem } : {}) };
      return { state: { ...s, next: "download_finished" }, wait: step(rng, 20, 120), ...(problem ? { problem } : {}) };
    case "download_finished":
      return { state: { ...s, phase: "installing", next: "installed" }, wait: step(rng, 15, 45), ...(problem ? { problem } : {}) };
    case "installed": {
      // Reboot pending: the reboot strategy waits a little, then the machine boots (new boot id).
      const target = s.target ?? s.version;
      const booted = { ...s, phase: "rebooting" as const, next: "check" as const, bootId: bootId(rng), target: null, errorCode: null };
      const wait = { kind: "step" as const, seconds: intBetween(rng, 5, 30) + intBetween(rng, 20, 60) };
      if (chance(rng, p.boot)) return { state: { ...booted, fellBackFrom: target, failed: s.failed.includes(target) ? s.failed : [...s.failed, target] }, wait, ...(problem ? { problem } : {}) };
      return { state: { ...booted, version: target, previousVersion: s.version, fellBackFrom: null }, wait, ...(problem ? { problem } : {}) };
    }
    case "failed":
      return { state: { ...s, phase: "error", next: "check", target: null, errorCode: null }, wait: { kind: "periodic" }, ...(problem ? { problem } : {}) };
  }
}
