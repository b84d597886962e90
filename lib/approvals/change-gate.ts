/**
 * How every mutating operator route relates to the four-eyes rule ("a change whose effect
 * reaches the hosts of an approval-required group needs that group's approvals, bound to the
 * exact plan"). The gate itself is db/queries/change-gate.ts; this table is what
 * tests/integration/change-gate.test.ts walks against the OpenAPI document: a new mutating
 * route without an entry fails that test, and every `gate` entry must be shown to stop there.
 */

/** A group patch as stored in an approval plan (JSON). */
export interface GroupPatchJson {
  description?: string;
  channelId?: string | null;
  requiresApproval?: boolean;
  approvalsRequired?: number;
  policy?: Record<string, unknown> | null;
  labelSelector?: Record<string, string> | null;
  expectedUpdatedAt?: string;
}

export type RouteSafety =
  /** Calls the change gate before it changes anything (the change kind it submits). */
  | { kind: "gate"; change: string }
  /** Reaches hosts only through a rollout, which carries its own approval bound to the rollout plan. */
  | { kind: "rollout_approval"; why: string }
  /** Changes nothing hosts are offered or served. */
  | { kind: "no_host_effect"; why: string }
  /** Casts a vote: this is the approval itself. */
  | { kind: "approval"; why: string };

const NOTHING = (why: string): RouteSafety => ({ kind: "no_host_effect", why });

export const MUTATING_ROUTE_SAFETY: Record<string, RouteSafety> = {
  "POST /api/v1/auth/login": NOTHING("signs in"),
  "POST /api/v1/auth/logout": NOTHING("signs out"),
  "POST /api/v1/setup": NOTHING("creates the first admin"),
  "POST /api/v1/channels": NOTHING("a new channel has no target"),
  "POST /api/v1/groups": { kind: "rollout_approval", why: "a new group starts without the approval rule; joining a channel with a target creates a rollout" },
  "POST /api/v1/channels/{id}/target": { kind: "rollout_approval", why: "every group with hosts on the channel, defined or not, gets a rollout; approval-required groups' rollouts wait for approval" },
  "POST /api/v1/channels/{id}/pause": { kind: "rollout_approval", why: "pausing only holds; resuming lets hosts continue what was approved (approval-required groups still need an approved rollout of exactly the release)" },
  "POST /api/v1/releases": NOTHING("a release reaches hosts only once a channel targets it"),
  "POST /api/v1/releases/import": NOTHING("a release reaches hosts only once a channel targets it"),
  "POST /api/v1/releases/{id}/recall": { kind: "gate", change: "release.recall" },
  "POST /api/v1/pins": { kind: "gate", change: "pin.set" },
  "POST /api/v1/pins/bulk": { kind: "gate", change: "pin.bulk" },
  "DELETE /api/v1/pins/{id}": { kind: "gate", change: "pin.remove" },
  "POST /api/v1/hosts/{id}/rollback": { kind: "gate", change: "pin.set" },
  "POST /api/v1/groups/{id}/rollback": { kind: "gate", change: "pin.set" },
  "PATCH /api/v1/groups/{id}": { kind: "gate", change: "group.update" },
  "PUT /api/v1/fleet-policy": { kind: "gate", change: "fleet.policy" },
  "POST /api/v1/ignition/validate": NOTHING("validates text"),
  "POST /api/v1/ignition/configs": NOTHING("a saved version is served only once published or assigned"),
  "POST /api/v1/ignition/configs/{name}/versions": NOTHING("a saved version is served only once published or assigned"),
  "POST /api/v1/ignition/configs/{name}/restore": NOTHING("restoring saves a new version; it is served only once published"),
  "POST /api/v1/ignition/configs/{name}/publish": { kind: "gate", change: "ignition.publish" },
  "POST /api/v1/ignition/assignments": { kind: "gate", change: "ignition.assign" },
  "DELETE /api/v1/ignition/assignments/{id}": { kind: "gate", change: "ignition.unassign" },
  "PUT /api/v1/fleetlock/{group}": NOTHING("reboot slots decide when an installed update reboots, never what is installed"),
  "POST /api/v1/fleetlock/{group}/release": NOTHING("frees a reboot slot; decides nothing about what is installed"),
  "POST /api/v1/rollouts": { kind: "rollout_approval", why: "a rollout by hand to an approval-required group waits for approval of its plan" },
  "POST /api/v1/rollouts/{id}/actions": { kind: "rollout_approval", why: "pause and abort only hold; resume and advance move within the approved plan" },
  "POST /api/v1/approvals/{id}/approve": { kind: "approval", why: "the vote itself" },
  "POST /api/v1/approvals/{id}/reject": { kind: "approval", why: "the vote itself" },
  "POST /api/v1/preview": NOTHING("computes a preview; changes nothing"),
  "PATCH /api/v1/releases/{id}": NOTHING("sets an FCOS release's image pullspec; refused while the release is a channel's target or in a live rollout, so hosts see it only once a channel targets it"),
  "POST /api/v1/releases/{id}/promote": NOTHING("adds the release to another channel's catalog; hosts get it only once that channel targets it (as for a new release)"),
  "POST /api/v1/releases/{id}/mirror": NOTHING("serves the same hash-verified bytes from Flotilla's own URL"),
  "POST /api/v1/sync-sources": NOTHING("release sync adds releases to the catalog; hosts get one only once a channel targets it"),
  "PATCH /api/v1/sync-sources/{id}": NOTHING("release sync adds releases to the catalog; hosts get one only once a channel targets it"),
  "DELETE /api/v1/sync-sources/{id}": NOTHING("stops a release sync"),
  "POST /api/v1/sync-sources/{id}/run": NOTHING("release sync adds releases to the catalog; hosts get one only once a channel targets it"),
  "POST /api/v1/hosts/{id}/failed-versions/retry": { kind: "rollout_approval", why: "lifts one host's failed-boot hold; the host is then offered only what its group's approved target or rollout already allows" },
  "POST /api/v1/webhooks": NOTHING("notifications"),
  "PATCH /api/v1/webhooks/{id}": NOTHING("notifications"),
  "DELETE /api/v1/webhooks/{id}": NOTHING("notifications"),
  "POST /api/v1/webhooks/{id}/test": NOTHING("notifications"),
  "POST /api/v1/webhooks/deliveries/{deliveryId}/redeliver": NOTHING("notifications"),
  "POST /api/v1/users": NOTHING("operator accounts"),
  "PATCH /api/v1/users/{id}": NOTHING("operator accounts"),
  "POST /api/v1/enrollment-tokens": NOTHING("agent credentials"),
  "DELETE /api/v1/enrollment-tokens/{id}": NOTHING("agent credentials"),
  "POST /api/v1/api-tokens": NOTHING("operator credentials"),
  "DELETE /api/v1/api-tokens/{id}": NOTHING("operator credentials"),
};
