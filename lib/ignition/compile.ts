import { translateButane } from "../butane/translate";
import { withSampleValues } from "./render";
import { validateIgnition } from "./validate";

export type ConfigFormat = "ignition" | "butane";

export interface CompileIssue {
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface Compiled {
  valid: boolean;
  /** Ignition JSON to serve: the JSON as written, or Butane's translation. */
  rendered: string | null;
  specVersion: string | null;
  errors: CompileIssue[];
  warnings: CompileIssue[];
}

export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Validates what an operator wrote and produces what hosts are served. The same function runs
 * in the editor (live) and on the server (authoritative).
 */
export function compileConfig(format: ConfigFormat, source: string): Compiled {
  if (new TextEncoder().encode(source).length > MAX_CONFIG_BYTES) {
    return { valid: false, rendered: null, specVersion: null, errors: [{ path: "$", line: 1, column: 1, message: "config larger than 1 MiB" }], warnings: [] };
  }
  if (format === "butane") {
    // Butane percent-encodes `{{name}}` inside inline contents; rendering recognizes that form.
    const t = translateButane(source);
    const strip = (i: { path: string; line: number; column: number; message: string }) => ({ path: i.path, line: i.line, column: i.column, message: i.message });
    return { valid: t.errors.length === 0 && t.ignition !== null, rendered: t.ignition, specVersion: t.ignitionVersion, errors: t.errors.map(strip), warnings: t.warnings.map(strip) };
  }
  // Placeholders are filled per host at serving time; validate with neutral values meanwhile.
  const v = validateIgnition(withSampleValues(source));
  return { valid: v.valid, rendered: v.valid ? source : null, specVersion: v.version, errors: v.errors, warnings: v.warnings };
}
