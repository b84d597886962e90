import type { UpdateState } from "../agent/native-report";
import { decodeErrorCode, ROLLBACK_DETECTED } from "./error-codes";
import type { OmahaApp, OmahaEvent } from "./request";

export interface OmahaOutcome {
  state: UpdateState;
  errorCode: string | null;
  errorMessage: string | null;
  /** The version the host ran before its last update, when an event says so. */
  previousVersion: string | null;
  /** Human-readable event names for the history, e.g. "download started". */
  eventNames: string[];
}

/** Names an Omaha event the way operators read it. */
export function describeEvent(e: OmahaEvent): string {
  if (e.type === 13 && e.result === 1) return "download started";
  if (e.type === 14 && e.result === 1) return "download finished";
  if (e.type === 3 && e.result === 1) return "update installed, reboot pending";
  if (e.type === 3 && e.result === 2) return e.previousVersion ? `running after update from ${e.previousVersion}` : "running";
  if (e.type === 3 && e.result === 9) return "update deferred";
  if (e.type === 3 && e.result === 0) {
    const d = decodeErrorCode(e.errorCode ?? 1);
    return d.code === ROLLBACK_DETECTED ? "rollback detected (GRUB fell back)" : `update failed: ${d.name} (${d.code})`;
  }
  return `event ${e.type}/${e.result}`;
}

function stateOf(e: OmahaEvent): UpdateState | null {
  if (e.type === 13 && e.result === 1) return "downloading";
  if (e.type === 14 && e.result === 1) return "downloaded";
  if (e.type === 3 && e.result === 1) return "staged";
  if (e.type === 3 && (e.result === 2 || e.result === 9)) return "idle";
  if (e.type === 3 && e.result === 0) return (decodeErrorCode(e.errorCode ?? 1).code === ROLLBACK_DETECTED ? "rolled_back" : "error");
  return null;
}

/**
 * The host's update state after one Omaha request. The last event that means something wins;
 * an update check without events is a host at rest, or one about to download when offered.
 */
export function omahaOutcome(app: OmahaApp, offered: boolean): OmahaOutcome {
  let state: UpdateState = offered ? "checking" : "idle";
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  let previousVersion: string | null = null;
  for (const e of app.events) {
    const s = stateOf(e);
    if (!s) continue;
    state = s;
    if (e.previousVersion) previousVersion = e.previousVersion;
    if (s === "error" || s === "rolled_back") {
      const d = decodeErrorCode(e.errorCode ?? 1);
      errorCode = String(d.code);
      errorMessage = d.flags.length ? `${d.name} [${d.flags.join(", ")}]` : d.name;
    } else {
      errorCode = null;
      errorMessage = null;
    }
  }
  // A host at rest that was just offered an update is about to download it.
  if (offered && state === "idle") state = "checking";
  return { state, errorCode, errorMessage, previousVersion, eventNames: app.events.map(describeEvent) };
}
