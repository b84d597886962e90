import { z } from "zod";

/**
 * How long each agent-supplied field may be, on every protocol (native, Omaha, Cincinnati,
 * FleetLock): one table, so a field stored from update_engine is bounded like the same field
 * from the native agent.
 *
 * `refuse`: the field identifies the host or drives the update decision (id, version, group,
 * architecture); cutting it would silently make it another value, so an over-long one is a 400.
 * `truncate`: the field only describes (a name, an agent's version string, an error message); it
 * is cut to the bound so a real client is never refused for it. Real clients stay far inside
 * every bound: update_engine sends e.g. `updaterversion="update_engine-0.4.10"`, `board="amd64-usr"`,
 * `oem="ami"`, a 38-character `bootid` (flatcar/update_engine src/update_engine/omaha_request_action.cc).
 */
export const AGENT_FIELD_BOUNDS = {
  machineId: { max: 64, overflow: "refuse" },
  version: { max: 64, overflow: "refuse" },
  group: { max: 64, overflow: "refuse" },
  arch: { max: 32, overflow: "refuse" },
  deploymentId: { max: 128, overflow: "refuse" },
  fleetLockId: { max: 128, overflow: "refuse" },
  errorCode: { max: 64, overflow: "refuse" },
  labelKey: { max: 63, overflow: "refuse" },
  labelValue: { max: 256, overflow: "refuse" },
  healthName: { max: 128, overflow: "refuse" },
  platform: { max: 64, overflow: "truncate" },
  hostname: { max: 253, overflow: "truncate" },
  agentName: { max: 64, overflow: "truncate" },
  agentVersion: { max: 64, overflow: "truncate" },
  bootId: { max: 64, overflow: "truncate" },
  // Omaha alephversion: the first version ever installed, shown only.
  firstVersion: { max: 64, overflow: "truncate" },
  installSource: { max: 64, overflow: "truncate" },
  errorMessage: { max: 2000, overflow: "truncate" },
  healthDetail: { max: 2000, overflow: "truncate" },
} as const satisfies Record<string, { max: number; overflow: "refuse" | "truncate" }>;

export type AgentField = keyof typeof AGENT_FIELD_BOUNDS;

/** The zod schema of a field: a 400 past the bound, or cut to it, as the table says. */
export function agentText(field: AgentField): z.ZodType<string, string> {
  const { max, overflow } = AGENT_FIELD_BOUNDS[field];
  return overflow === "refuse" ? z.string().max(max) : z.string().transform((v) => v.slice(0, max));
}

/** The bound of a field. */
export function maxLength(field: AgentField): number {
  return AGENT_FIELD_BOUNDS[field].max;
}

/** A descriptive field cut to its bound (null stays null). */
export function bounded(field: AgentField, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.length > AGENT_FIELD_BOUNDS[field].max ? value.slice(0, AGENT_FIELD_BOUNDS[field].max) : value;
}

/** True when the field is over its bound and the bound refuses (the caller answers 400). */
export function overBound(field: AgentField, value: string | null | undefined): boolean {
  return value !== null && value !== undefined && value.length > AGENT_FIELD_BOUNDS[field].max && AGENT_FIELD_BOUNDS[field].overflow === "refuse";
}
