import { createHash } from "node:crypto";

/** `verification.hash` value for served bytes: `sha512-<hex>`. */
export function sha512Hex(text: string): string {
  return createHash("sha512").update(text, "utf8").digest("hex");
}
