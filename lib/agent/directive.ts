import type { UpdateDecision } from "../update/decide";
import type { AgentDirective } from "./native-report";

/** Turns the update decision into the native agent's next step. */
export function directiveFor(decision: UpdateDecision, host: { slot: "A" | "B" | null; previousVersion: string | null }): AgentDirective {
  if (decision.kind === "hold") return { type: "none", reason: decision.detail };
  const r = decision.release;
  // Back to what the other slot holds: switching slots is the rollback, no download needed.
  if (decision.rollback && host.slot && host.previousVersion === r.version) {
    return { type: "rollback", toVersion: r.version, toSlot: host.slot === "A" ? "B" : "A" };
  }
  return { type: "update", version: r.version, payloadUrl: r.payloadUrl, payloadName: r.payloadName, sizeBytes: r.sizeBytes, sha256Base64: r.sha256Base64, ostreeChecksum: r.ostreeChecksum };
}
