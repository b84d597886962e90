import { configTraits } from "./assignment-render";
import type { CompileIssue, Compiled, ConfigFormat } from "./compile";
import { parseJson, LineIndex } from "./json-ast";
import { positionIssues } from "./report";
import { malformedPlaceholders } from "./render";

export interface ServingNotes {
  /** Kinds of secrets held: the config is served only through capability URLs. */
  secrets: string[];
  /** `{{variables}}` used: the config is served only per assignment. */
  variables: string[];
  /** Editor warnings at their place: each secret, the first use of variables, malformed ones. */
  warnings: CompileIssue[];
}

const SECRET_NOTE = "holds a secret: hosts get this config only through an assignment's capability URL, never by name and version or by selectors";

/**
 * How a compiled config will be served, for the editor: where it holds secrets, which
 * variables each assignment must give, and placeholder-like text that is not a variable
 * (served as written — a Go template in a file, say, is fine). Not validation: none of it
 * stops a save, so `compileConfig` (and ignition-validate parity) stays as it is.
 */
export function servingNotes(format: ConfigFormat, source: string, compiled: Compiled): ServingNotes {
  if (!compiled.rendered) return { secrets: [], variables: [], warnings: [] };
  const traits = configTraits(compiled.rendered);
  const warnings: CompileIssue[] = [];
  // Positions: in the source for Ignition JSON; Butane's YAML has no Ignition paths, so line 1.
  const parsed = format === "ignition" ? parseJson(source) : null;
  const root = parsed?.ok ? parsed.root : undefined;
  const raw = traits.secrets.map((s) => ({ severity: "warning" as const, path: s.path.slice(2).split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: `${s.kind}: ${SECRET_NOTE}` }));
  if (root) warnings.push(...positionIssues(source, root, raw).map(({ path, line, column, message }) => ({ path, line, column, message })));
  else warnings.push(...traits.secrets.map((s) => ({ path: s.path, line: 1, column: 1, message: `${s.kind}: ${SECRET_NOTE}` })));
  const lines = new LineIndex(source);
  if (traits.variables.length > 0) {
    const at = lines.position(Math.max(0, source.search(/\{\{|%7B%7B/i)));
    warnings.push({ path: "$", line: at.line, column: at.column, message: `uses variables ${traits.variables.join(", ")}: served per assignment, each assignment gives their values (checked when assigning and publishing)` });
  }
  for (const m of malformedPlaceholders(source)) {
    const at = lines.position(source.indexOf(m));
    warnings.push({ path: "$", line: at.line, column: at.column, message: `${m} is not a variable ({{name}}: a letter, then letters, digits, _ . -): it is served as written` });
  }
  return { secrets: [...new Set(traits.secrets.map((s) => s.kind))], variables: traits.variables, warnings };
}
