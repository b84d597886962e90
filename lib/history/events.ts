import type { UpdateState } from "../agent/native-report";

/**
 * What a stored report changed. Reports that change nothing (the periodic check that finds
 * the host as it was) get no kind and stay out of the fleet history, charts and exports; they
 * are kept raw only until retention drops them.
 */
export const CHANGE_KINDS = ["enrolled", "update", "rollback", "failure", "state", "group"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_LABELS: Record<ChangeKind, string> = {
  enrolled: "first report",
  update: "version changed",
  rollback: "rolled back",
  failure: "update failed",
  state: "update state",
  group: "moved group",
};

export interface HostFacts {
  osVersion: string;
  updateState: UpdateState;
  groupId: string;
  errorCode: string | null;
}

// A graph poll flips between checking and idle whenever an offer exists: that is no news.
const quiet = (s: UpdateState) => (s === "checking" ? "idle" : s);

/**
 * The change a report makes to what was known about its host (`before` null: never seen).
 * The ingest statement (db/queries/history-ingest.ts CHANGE_SQL) computes exactly this in SQL;
 * tests/integration/history.test.ts holds the two to the same answers.
 */
export function classifyChange(before: HostFacts | null, after: HostFacts): ChangeKind | null {
  if (!before) return "enrolled";
  if (after.updateState === "rolled_back" && (before.updateState !== "rolled_back" || before.osVersion !== after.osVersion)) return "rollback";
  if (after.updateState === "error" && (before.updateState !== "error" || before.errorCode !== after.errorCode)) return "failure";
  if (after.osVersion !== before.osVersion) return "update";
  if (quiet(after.updateState) !== quiet(before.updateState)) return "state";
  if (after.groupId !== before.groupId) return "group";
  return null;
}
