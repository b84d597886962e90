// Issues on the Butane source: YAML paths resolved to line and column the way
// vcontext correlates a report with the YAML tree, and Ignition validation
// findings carried back through the translation's source map.

import type { IgnitionIssue } from "../ignition/validate";
import { snake } from "./schema";
import { markerOffset, pathString, type YNode, type YPath } from "./yaml-tree";

export type Severity = "error" | "warning";

export interface RawIssue {
  readonly severity: Severity;
  readonly path: YPath;
  readonly message: string;
  /** Point at the key of the last path segment (unused keys). */
  readonly atKey?: boolean;
  /** Explicit offset, for issues found before a tree exists. */
  readonly offset?: number;
}

export interface PositionedIssue {
  path: string;
  line: number;
  column: number;
  message: string;
  severity: Severity;
}

interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

/** Columns count characters (code points), as yaml.v3 marks do. */
export function positionIssues(text: string, root: YNode | undefined, lines: LinePositions, issues: readonly RawIssue[]): PositionedIssue[] {
  const placed = issues.map((issue, order) => {
    const offset = issue.offset ?? (root === undefined ? 0 : markerOffset(root, issue.path, issue.atKey === true));
    const { line, col } = lines.linePos(offset);
    const column = [...text.slice(offset - (col - 1), offset)].length + 1;
    return { order, offset, issue: { path: pathString(issue.path), line, column, message: issue.message, severity: issue.severity } };
  });
  placed.sort((a, b) => a.offset - b.offset || a.order - b.order);
  return placed.map((p) => p.issue);
}

function parseJsonPath(path: string): Array<string | number> {
  if (path === "$" || !path.startsWith("$.")) return [];
  return path
    .slice(2)
    .split(".")
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The YAML path an Ignition finding belongs to: the longest JSON path prefix
 * the translation recorded, then the rest snake_cased (Butane's fallback).
 */
export function yamlPathFor(jsonPath: string, sources: ReadonlyMap<string, YPath>): YPath {
  const segs = parseJsonPath(jsonPath);
  for (let n = segs.length; n >= 0; n--) {
    const prefix = "$" + segs.slice(0, n).map((s) => `.${s}`).join("");
    const src = sources.get(prefix);
    if (src === undefined) continue;
    const rest = segs.slice(n).map((s) => (typeof s === "string" ? snake(s) : s));
    return [...src, ...rest];
  }
  return segs.map((s) => (typeof s === "string" ? snake(s) : s));
}

export function fromIgnition(issues: readonly IgnitionIssue[], severity: Severity, sources: ReadonlyMap<string, YPath>): RawIssue[] {
  return issues.map((i) => ({ severity, path: yamlPathFor(i.path, sources), message: i.message }));
}
