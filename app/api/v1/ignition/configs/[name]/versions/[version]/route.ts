import { getConfigVersion } from "@/db/queries/ignition";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { redactIgnitionText } from "@/lib/ignition/redact";
import { route } from "../../../../../_lib/handler";

/** One version. Viewers get the served Ignition with secrets redacted and no raw source. */
export const GET = route<{ name: string; version: string }>({ permission: "fleet:read" }, async ({ db, params, principal }) => {
  const v = /^\d{1,9}$/.test(params.version) ? await getConfigVersion(db, params.name, Number(params.version)) : null;
  if (!v) throw new AppError("not_found", "no such version");
  if (can(principal.role, "fleet:write")) return { ...v, redacted: false };
  return { ...v, source: v.format === "ignition" ? redactIgnitionText(v.source) : null, rendered: v.rendered ? redactIgnitionText(v.rendered) : null, redacted: true };
});
