import { getFleetPolicy, setFleetPolicy } from "@/db/queries/fleet-policy";
import { FleetPolicyPutSchema } from "@/lib/operator/safety-schemas";
import { invalidatePolicy } from "@/server/policy-cache";
import { gatedResponse } from "../_lib/gated";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ db }) => getFleetPolicy(db));

/** 200 when set; 202 when approval-required groups follow the default and must approve it first. */
export const PUT = route({ permission: "fleet:write" }, async ({ db, actor, body }) => {
  const result = await setFleetPolicy(db, actor, await body(FleetPolicyPutSchema));
  invalidatePolicy();
  return gatedResponse(result, (r) => r);
});
