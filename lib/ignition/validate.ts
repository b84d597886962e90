// Ignition config validation for specs 3.0.0 through 3.6.0 and
// 3.7.0-experimental, agreeing with ignition-validate on what is an error, a
// warning, and where (JSON path, line, column). Pure TypeScript: runs in the
// browser and in Node.

import { decodeRoot } from "./decode";
import { parseJson, type JsonNode } from "./json-ast";
import { positionIssues, Report, type RawIssue } from "./report";
import { featuresOf, type RuleContext } from "./rule-context";
import { validateIgnitionSection } from "./rules-ignition";
import { validateStorage } from "./rules-storage";
import { checkStructure } from "./rules-structure";
import { validateSystemd, validateSystemdPathConflicts } from "./rules-systemd";
import { specFor } from "./spec";
import type { Config } from "./types";
import { canonicalVersion, ERR_INVALID_VERSION, ERR_UNKNOWN_VERSION, findVersion } from "./version";

export interface IgnitionIssue {
  /** JSON path as ignition-validate prints it, e.g. "$.storage.files.0.path". */
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface IgnitionValidation {
  valid: boolean;
  /** The declared ignition.version, when there is one. */
  version: string | null;
  errors: IgnitionIssue[];
  warnings: IgnitionIssue[];
}

function finish(text: string, root: JsonNode | undefined, version: string | null, issues: readonly RawIssue[]): IgnitionValidation {
  const positioned = positionIssues(text, root, issues);
  const strip = ({ path, line, column, message }: IgnitionIssue): IgnitionIssue => ({ path, line, column, message });
  const errors = positioned.filter((i) => i.severity === "error").map(strip);
  const warnings = positioned.filter((i) => i.severity === "warning").map(strip);
  return { valid: errors.length === 0, version, errors, warnings };
}

function single(text: string, root: JsonNode | undefined, version: string | null, issue: RawIssue): IgnitionValidation {
  return finish(text, root, version, [issue]);
}

export function validateIgnition(text: string): IgnitionValidation {
  if (text.length === 0) return single(text, undefined, null, { severity: "error", path: [], message: "not a config (empty)", offset: 0 });

  const parsed = parseJson(text);
  if (!parsed.ok) {
    return single(text, undefined, null, { severity: "error", path: [], message: parsed.error.message, offset: parsed.error.offset });
  }
  const root = parsed.root;

  const found = findVersion(root);
  if (found.kind === "typeError") {
    return single(text, root, null, { severity: "error", path: found.path, message: found.message, offset: found.node.offset });
  }
  const versionPath = ["ignition", "version"];
  const canonical = canonicalVersion(found.version);
  const declared = found.node === undefined ? null : found.version;
  if (canonical === undefined) return single(text, root, declared, { severity: "error", path: versionPath, message: ERR_INVALID_VERSION });
  const spec = specFor(canonical);
  if (spec === undefined || root.kind !== "object") {
    return single(text, root, declared, { severity: "error", path: versionPath, message: ERR_UNKNOWN_VERSION });
  }

  const decoded = decodeRoot(root, spec.root);
  if (decoded.typeErrors.length > 0) {
    // Like Ignition, a config whose values have the wrong JSON types is not
    // validated further: the rules would run on a half-filled config.
    const issues = decoded.typeErrors.map((e): RawIssue => ({ severity: "error", path: e.path, message: e.message }));
    return finish(text, root, declared, issues);
  }

  const report = new Report();
  const ctx: RuleContext = { spec, features: featuresOf(spec), report };
  // decodeRoot fills every field of spec.root's structs, which Config describes.
  const config = decoded.value as unknown as Config;
  validateIgnitionSection(config.ignition, ctx);
  validateStorage(config.storage, ctx);
  validateSystemd(config, ctx);
  validateSystemdPathConflicts(config, ctx);
  checkStructure(spec.root, decoded.value, [], root, report);
  return finish(text, root, declared, report.issues);
}
