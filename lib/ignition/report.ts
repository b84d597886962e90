// Collects issues by logical path and resolves them to source positions the
// way vcontext does: the deepest JSON node that exists along the path.

import type { PathSegment } from "./decode";
import { LineIndex, objectGet, type JsonNode } from "./json-ast";

export type Severity = "error" | "warning";

export interface RawIssue {
  readonly severity: Severity;
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** Point at the key of the last path segment rather than its value (unused keys). */
  readonly atKey?: boolean;
  /** Explicit offset, for issues found before a tree exists (syntax errors). */
  readonly offset?: number;
}

export class Report {
  readonly issues: RawIssue[] = [];

  error(path: readonly PathSegment[], message: string | undefined): void {
    if (message !== undefined) this.issues.push({ severity: "error", path, message });
  }

  warn(path: readonly PathSegment[], message: string | undefined): void {
    if (message !== undefined) this.issues.push({ severity: "warning", path, message });
  }

  warnAtKey(path: readonly PathSegment[], message: string): void {
    this.issues.push({ severity: "warning", path, message, atKey: true });
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === "error");
  }
}

export function pathString(path: readonly PathSegment[]): string {
  return "$" + path.map((s) => `.${s}`).join("");
}

/** The node at exactly this path (keys matched case-sensitively, as vcontext does). */
export function nodeAt(root: JsonNode, path: readonly PathSegment[]): JsonNode | undefined {
  let node: JsonNode = root;
  for (const seg of path) {
    const next = childOf(node, seg);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

function childOf(node: JsonNode, seg: PathSegment): JsonNode | undefined {
  if (node.kind === "object" && typeof seg === "string") return objectGet(node, seg)?.value;
  if (node.kind === "array" && typeof seg === "number") return node.items[seg];
  return undefined;
}

function markerOffset(root: JsonNode, issue: RawIssue): number {
  if (issue.offset !== undefined) return issue.offset;
  let node: JsonNode = root;
  const { path } = issue;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (seg === undefined) break;
    if (issue.atKey === true && i === path.length - 1 && node.kind === "object" && typeof seg === "string") {
      const entry = objectGet(node, seg);
      if (entry !== undefined) return entry.keyOffset;
    }
    const next = childOf(node, seg);
    if (next === undefined) break;
    node = next;
  }
  return node.offset;
}

export interface PositionedIssue {
  readonly severity: Severity;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function positionIssues(text: string, root: JsonNode | undefined, issues: readonly RawIssue[]): PositionedIssue[] {
  const lines = new LineIndex(text);
  const out = issues.map((issue, order) => {
    const offset = root === undefined ? (issue.offset ?? 0) : markerOffset(root, issue);
    const { line, column } = lines.position(offset);
    return { order, offset, issue: { severity: issue.severity, path: pathString(issue.path), line, column, message: issue.message } };
  });
  // Source order reads best in an editor; ties keep discovery order.
  out.sort((a, b) => a.offset - b.offset || a.order - b.order);
  return out.map((o) => o.issue);
}
