import { z } from "zod";
import { maxLength } from "../agent/field-bounds";
import { GROUP_NAME, GROUP_NAME_RULE } from "../agent/native-report";

/** The small fixed set of error kinds Flotilla's FleetLock endpoints answer with. */
export const FLEETLOCK_ERROR_KINDS = [
  "missing_header",
  "invalid_body",
  "invalid_client_params",
  "failed_lock_semaphore_full",
  // airlock's kind for a lock it could not take (coreos/airlock internal/server/pre_reboot.go:86);
  // here: refused by the group's maintenance window or its paused rollout, the reason in `value`.
  "failed_lock",
  "method_not_allowed",
  "unavailable",
  // The id names a host enrolled with a token: FleetLock is unauthenticated (ARCHITECTURE.md).
  "host_enrolled_with_token",
] as const;
export type FleetLockErrorKind = (typeof FLEETLOCK_ERROR_KINDS)[number];

export const FleetLockBodySchema = z.object({
  client_params: z.object({
    id: z.string().min(1, "must be non-empty").max(maxLength("fleetLockId")),
    group: z.string().min(1, "must be non-empty").max(maxLength("group")).regex(GROUP_NAME, `must be ${GROUP_NAME_RULE}`),
  }),
});
export type FleetLockBody = z.output<typeof FleetLockBodySchema>;

export class FleetLockError extends Error {
  constructor(
    readonly status: number,
    readonly kind: FleetLockErrorKind,
    readonly value: string,
  ) {
    super(value);
  }
}
