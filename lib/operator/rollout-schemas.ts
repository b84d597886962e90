import { z } from "zod";
import { ROLLOUT_STATUS_VALUES } from "../rollout/rollout";

const reason = z.string().trim().min(1, "a reason is required").max(500);

export const NewRolloutSchema = z.object({
  groupId: z.string().min(1).max(64),
  /** A release of the group's channel; omitted: the channel's current target. */
  releaseId: z.uuid("must be a release id").nullish(),
  reason,
});

export const ROLLOUT_ACTIONS = ["pause", "resume", "advance", "abort"] as const;

export const RolloutActionSchema = z.object({
  action: z.enum(ROLLOUT_ACTIONS),
  reason,
  /** The rollout's updatedAt as the operator saw it: a rollout changed meanwhile is not acted on. */
  expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
});

export const RolloutListQuerySchema = z.object({
  status: z.enum(ROLLOUT_STATUS_VALUES).optional(),
  group: z.string().max(64).optional(),
  live: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
});
