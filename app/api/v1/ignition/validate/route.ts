import { looksLikeButane } from "@/lib/butane/translate";
import { AppError } from "@/lib/errors";
import { ValidateFormatSchema } from "@/lib/operator/ignition-schemas";
import { compileConfig, MAX_CONFIG_BYTES } from "@/lib/ignition/compile";
import { route } from "../../_lib/handler";

/** Body: the config text (Ignition JSON or Butane YAML). `?format=` forces one. */
export const POST = route({ permission: "fleet:read" }, async ({ req }) => {
  const text = await req.text();
  if (text.length > MAX_CONFIG_BYTES) throw new AppError("payload_too_large", "config larger than 1 MiB");
  const forced = ValidateFormatSchema.safeParse(req.nextUrl.searchParams.get("format") ?? undefined);
  if (req.nextUrl.searchParams.has("format") && !forced.success) throw new AppError("bad_request", "invalid query: format: ignition or butane", [{ path: "format", message: "ignition or butane" }]);
  const format = forced.success ? forced.data : looksLikeButane(text) ? "butane" : "ignition";
  const c = compileConfig(format, text);
  return { valid: c.valid, format, specVersion: c.specVersion, errors: c.errors, warnings: c.warnings, ...(format === "butane" ? { ignition: c.rendered } : {}) };
});
