import { z } from "zod";
import { GroupPolicySchema } from "../rollout/policy-schema";

/** PUT /api/v1/fleet-policy: the default every group without a policy of its own follows. */
export const FleetPolicyPutSchema = z.object({
  policy: GroupPolicySchema,
  reason: z.string().trim().min(1, "a reason is required").max(500),
});
