// Butane → Ignition translation for the fcos and flatcar variants, following
// coreos/butane: decode the YAML into the variant's schema, run Butane's
// source checks, translate (snake_case → camelCase, inline → data: URLs,
// generated mount units, boot_device and grub sugar), then validate the
// result with Ignition's rules and report everything on the Butane source.
// Pure TypeScript: runs in the browser and in Node.

import { validateIgnition } from "../ignition/validate";
import { canonicalVersion } from "../ignition/version";
import { renderBootDevice, renderGrub } from "./boot-device";
import { reservedLabelWarnings, SourceChecks, WARN_RESERVED_LABEL } from "./checks";
import { Decoder, getList, getStr, getStruct, structsOf, type DStruct } from "./decode";
import { Emitter } from "./emit";
import { fromIgnition, positionIssues, yamlPathFor, type RawIssue } from "./issues";
import { generatedMountUnits } from "./mount-units";
import { mergeObjects, obj, sourceMap, toJson, type OObject } from "./output";
import { schemaFor, type BStruct } from "./schema";
import { findTarget, isKnownVariant, REFUSED_VARIANTS, versionsOf, type Target } from "./variants";
import { parseYaml, type YNode, type YPath } from "./yaml-tree";

export interface ButaneIssue {
  path: string;
  line: number;
  column: number;
  message: string;
  severity: "error" | "warning";
}

export interface ButaneResult {
  /** Pretty-printed Ignition JSON, as `butane --pretty` writes it; null when there are errors. */
  ignition: string | null;
  ignitionVersion: string | null;
  errors: ButaneIssue[];
  warnings: ButaneIssue[];
}

export interface TranslateOptions {
  /** Like `butane --strict`: every warning (unused keys included) is an error. */
  strict?: boolean;
}

const ERR_NO_VARIANT = "error parsing variant; must be specified";
const ERR_INVALID_VERSION = "error parsing version; must be a valid semver";
const WARN_UNKNOWN_INLINE_VERSION = "skipping validation for the merge/replace ignition config due to an unknown version";

const HEADER: BStruct = {
  name: "commonFields",
  ign: null,
  fields: [
    { yaml: "variant", json: null, type: { kind: "string", ptr: false, goType: "string" } },
    { yaml: "version", json: null, type: { kind: "string", ptr: false, goType: "string" } },
  ],
};

function supported(): string {
  return ["fcos", "flatcar"].map((v) => `${v} ${versionsOf(v).join(", ")}`).join("; ");
}

type Resolved = { readonly target: Target } | { readonly issues: RawIssue[] };

function resolveTarget(root: YNode): Resolved {
  const decoder = new Decoder();
  const header = decoder.struct(root, HEADER, []);
  const typeErrors = decoder.issues.filter((i) => i.severity === "error");
  if (header === undefined || typeErrors.length > 0) return { issues: typeErrors };
  const variant = getStr(header, "variant") ?? "";
  if (variant === "") return { issues: [{ severity: "error", path: ["variant"], message: ERR_NO_VARIANT }] };
  const version = canonicalVersion(getStr(header, "version") ?? "");
  if (version === undefined) return { issues: [{ severity: "error", path: ["version"], message: ERR_INVALID_VERSION }] };
  const target = findTarget(variant, version);
  if (target !== undefined) return { target };
  const refused = REFUSED_VARIANTS[variant];
  if (refused) {
    const message = `Butane variant ${variant} (${refused.versions}) is not translated by Flotilla: ${refused.reason}. Flotilla translates ${supported()}`;
    return { issues: [{ severity: "error", path: ["variant"], message }] };
  }
  const message = `No translator exists for variant ${variant} with version ${version} (Flotilla translates ${supported()})`;
  return { issues: [{ severity: "error", path: [isKnownVariant(variant) ? "version" : "variant"], message }] };
}

/** Butane 0.24+: inline configs to merge or replace are validated as Ignition configs. */
function checkInlineConfigs(config: DStruct): RawIssue[] {
  const cfg = getStruct(getStruct(config, "ignition"), "config");
  const resources = [...structsOf(getList(cfg, "merge")), ...[getStruct(cfg, "replace")].filter((r): r is DStruct => r !== undefined)];
  const out: RawIssue[] = [];
  for (const res of resources) {
    const inline = res.fields.get("inline");
    if (inline?.kind !== "str") continue;
    const v = validateIgnition(inline.v);
    if (v.errors.some((e) => e.path === "$.ignition.version")) {
      out.push({ severity: "warning", path: inline.path, message: WARN_UNKNOWN_INLINE_VERSION });
      continue;
    }
    const inner = (severity: "error" | "warning") => (i: { path: string; line: number; column: number; message: string }): RawIssue => ({
      severity,
      path: [...inline.path, ...i.path.split(".").slice(1)],
      message: `${i.message} (inline config line ${i.line}, column ${i.column})`,
    });
    out.push(...v.errors.map(inner("error")), ...v.warnings.map(inner("warning")));
  }
  return out;
}

function render(config: DStruct, rootDef: BStruct, target: Target, warnings: RawIssue[]): OObject {
  const ign = rootDef.ign;
  const emitter = new Emitter(target);
  let out = emitter.config(rootDef, config);
  if (ign === null) return out;
  const units = generatedMountUnits(config, target);
  if (units.length > 0) {
    const src: YPath = ["storage", "filesystems"];
    out = mergeObjects(ign, obj(src, [["systemd", obj(src, [["units", { kind: "arr", items: units, src }]])]]), out);
  }
  const boot = renderBootDevice(config, emitter);
  if (boot !== undefined) out = mergeObjects(ign, boot, out);
  if (target.fcosMinor >= 3) {
    const sources = sourceMap(out);
    for (const path of reservedLabelWarnings(out)) warnings.push({ severity: "warning", path: yamlPathFor(path, sources), message: WARN_RESERVED_LABEL });
  }
  const grub = renderGrub(config);
  if (grub !== undefined) out = mergeObjects(ign, grub, out);
  return out;
}

export function translateButane(yamlText: string, options: TranslateOptions = {}): ButaneResult {
  const parsed = parseYaml(yamlText);
  const issues: RawIssue[] = [];
  const root: YNode | undefined = parsed.ok ? parsed.root : undefined;
  let ignition: string | null = null;
  let ignitionVersion: string | null = null;

  const finish = (): ButaneResult => {
    const positioned = positionIssues(yamlText, root, parsed.lines, issues);
    const strict = options.strict === true;
    const errors = positioned.filter((i) => i.severity === "error" || strict).map((i) => ({ ...i, severity: "error" as const }));
    const warnings = strict ? [] : positioned.filter((i) => i.severity === "warning");
    return { ignition: errors.length > 0 ? null : ignition, ignitionVersion, errors, warnings };
  };

  if (!parsed.ok) {
    issues.push({ severity: "error", path: [], message: parsed.error.message, offset: parsed.error.offset });
    return finish();
  }
  if (parsed.extraDocuments) issues.push({ severity: "warning", path: [], message: "only the first YAML document is translated" });

  const resolved = resolveTarget(parsed.root);
  if ("issues" in resolved) {
    issues.push(...resolved.issues);
    return finish();
  }
  const { target } = resolved;
  ignitionVersion = target.ignitionVersion;
  const schema = schemaFor(target);
  if (schema === undefined) {
    issues.push({ severity: "error", path: ["version"], message: `Ignition spec ${target.ignitionVersion} is not supported` });
    return finish();
  }

  const decoder = new Decoder();
  const config = decoder.struct(parsed.root, schema.root, []);
  issues.push(...decoder.issues);
  if (config === undefined || issues.some((i) => i.severity === "error")) return finish();

  const checks = new SourceChecks(target);
  checks.run(config);
  issues.push(...checks.issues, ...checkInlineConfigs(config));
  if (issues.some((i) => i.severity === "error")) return finish();

  const out = render(config, schema.root, target, issues);
  const json = `${toJson(out)}\n`;
  const sources = sourceMap(out);
  const validation = validateIgnition(json);
  issues.push(...fromIgnition(validation.errors, "error", sources), ...fromIgnition(validation.warnings, "warning", sources));
  ignition = json;
  return finish();
}

/** YAML (not JSON) whose top level has `variant` and `version`: a Butane config rather than Ignition. */
export function looksLikeButane(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "" || !/variant/.test(trimmed) || !/version/.test(trimmed)) return false;
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      JSON.parse(trimmed);
      return false;
    } catch {
      // not JSON; flow-style YAML is still possible
    }
  }
  const parsed = parseYaml(text);
  if (!parsed.ok || parsed.root.kind !== "map") return false;
  const keys = new Set(parsed.root.entries.map((e) => e.key));
  return keys.has("variant") && keys.has("version");
}
