import { compileConfig, type CompileIssue } from "./compile";
import { findSecrets } from "./redact";
import { placeholders, renderVariables, type VariableProblem } from "./render";
import { normalizeSelectorValue, type Selectors } from "./select";

/** What decides how a stored version may be served. */
export interface ConfigTraits {
  /** `{{variables}}` the config needs: served only per assignment, with that assignment's values. */
  variables: string[];
  /** Where it holds secrets (see `secretLocations`): served only through capability URLs. */
  secrets: Array<{ path: string; kind: string }>;
  /** Same bytes for everyone and nothing secret: the name+version URL may serve it. */
  public: boolean;
}

export function configTraits(rendered: string): ConfigTraits {
  const variables = placeholders(rendered);
  const secrets = findSecrets(rendered);
  return { variables, secrets, public: variables.length === 0 && secrets.length === 0 };
}

/**
 * The values an assignment gives a config's variables: its selectors (a request it answers
 * carries exactly those) overridden by its own variables (Matchbox's group metadata). Nothing
 * comes from the request: the bytes an assignment serves are fixed when it is made, so their
 * hash can be shown before any host boots.
 */
export function assignmentValues(a: { selectors: Selectors; variables: Selectors }): Selectors {
  const out: Selectors = {};
  for (const [k, v] of Object.entries(a.selectors)) out[k] = normalizeSelectorValue(k, v);
  for (const [k, v] of Object.entries(a.variables)) out[k.toLowerCase()] = v;
  return out;
}

export type AssignmentRendering =
  | { ok: true; body: string }
  | { ok: false; missing: string[]; invalid: VariableProblem[]; errors: CompileIssue[]; message: string };

/**
 * The exact bytes an assignment serves for a stored version, or why it cannot serve them:
 * a variable without a value, a value that cannot be placed where it lands, or a rendering
 * that no longer validates. Shared by assign/publish checks and by serving.
 */
export function renderForAssignment(rendered: string, a: { selectors: Selectors; variables: Selectors }): AssignmentRendering {
  if (placeholders(rendered).length === 0) return { ok: true, body: rendered };
  const r = renderVariables(rendered, assignmentValues(a));
  if (r.missing.length > 0) return { ok: false, missing: r.missing, invalid: [], errors: [], message: `no value for variable(s) ${r.missing.join(", ")}` };
  if (r.invalid.length > 0) return { ok: false, missing: [], invalid: r.invalid, errors: [], message: r.invalid.map((p) => `variable ${p.name} (${p.landing === "unit" ? "in systemd unit text" : p.landing === "data-url" ? "in file contents" : "in a JSON string"}): ${p.message}`).join("; ") };
  const check = compileConfig("ignition", r.text);
  if (!check.valid) {
    const e = check.errors[0]!;
    return { ok: false, missing: [], invalid: [], errors: check.errors, message: `rendered config does not validate: ${e.path}, line ${e.line} col ${e.column}: ${e.message}` };
  }
  return { ok: true, body: r.text };
}
