// Parses Butane YAML into a small position-keeping tree. Scalars keep their
// source text and style rather than a resolved value: what "0644" or "yes"
// means depends on the Go field it is decoded into (decode.ts), as with
// gopkg.in/yaml.v3, not on a YAML schema chosen up front.

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node as YamlNode } from "yaml";

export type YPath = ReadonlyArray<string | number>;

export interface YScalar {
  readonly kind: "scalar";
  readonly offset: number;
  /** The scalar's content after unquoting and folding. */
  readonly text: string;
  /** Plain (unquoted) style without an explicit !!str tag: subject to type resolution. */
  readonly plain: boolean;
  readonly isNull: boolean;
}

export interface YEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: YNode;
}

export interface YMap {
  readonly kind: "map";
  readonly offset: number;
  readonly entries: readonly YEntry[];
}

export interface YSeq {
  readonly kind: "seq";
  readonly offset: number;
  readonly items: readonly YNode[];
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem {
  readonly message: string;
  readonly offset: number;
}

export type YamlParse =
  | { readonly ok: true; readonly root: YNode; readonly lines: LineCounter; readonly extraDocuments: boolean }
  | { readonly ok: false; readonly error: YamlProblem; readonly lines: LineCounter };

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const STR_TAG = "tag:yaml.org,2002:str";
const NULL_TAG = "tag:yaml.org,2002:null";
const MERGE_KEY = "<<";
/** Alias expansion budget, so nested aliases ("billion laughs") cannot blow up decoding. */
const MAX_EXPANDED_NODES = 200_000;

function firstLine(message: string): string {
  const cut = message.indexOf(" at line ");
  return (cut >= 0 ? message.slice(0, cut) : message.split("\n")[0] ?? message).trim();
}

class Converter {
  private expanded = 0;
  private readonly resolving = new Set<YamlNode>();

  constructor(private readonly doc: Document) {}

  convert(node: YamlNode | null | undefined, fallbackOffset: number): YNode {
    if (++this.expanded > MAX_EXPANDED_NODES) throw new ConvertError("document too large after expanding aliases", fallbackOffset);
    if (node === null || node === undefined) return { kind: "scalar", offset: fallbackOffset, text: "", plain: true, isNull: true };
    const offset = node.range?.[0] ?? fallbackOffset;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) throw new ConvertError(`unknown anchor ${node.source}`, offset);
      if (this.resolving.has(target)) throw new ConvertError(`anchor ${node.source} refers to itself`, offset);
      this.resolving.add(target);
      try {
        return this.convert(target, offset);
      } finally {
        this.resolving.delete(target);
      }
    }
    if (isScalar(node)) return this.scalar(node, offset);
    if (isSeq(node)) return { kind: "seq", offset, items: node.items.map((item) => this.convert(item as YamlNode | null, offset)) };
    if (isMap(node)) return this.map(node.items, offset);
    throw new ConvertError("unsupported YAML node", offset);
  }

  private scalar(node: Scalar, offset: number): YScalar {
    const source = typeof node.source === "string" ? node.source : String(node.value ?? "");
    const quoted = node.type !== undefined && node.type !== Scalar.PLAIN;
    const plain = !quoted && node.tag !== STR_TAG;
    const isNull = node.tag === NULL_TAG || (plain && NULLS.has(source));
    return { kind: "scalar", offset, text: source, plain, isNull };
  }

  private map(pairs: readonly unknown[], offset: number): YMap {
    const explicit: YEntry[] = [];
    const merged: YEntry[] = [];
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyOffset = keyNode?.range?.[0] ?? offset;
      if (keyNode !== null && !isScalar(keyNode) && !isAlias(keyNode)) throw new ConvertError("mapping keys must be scalars", keyOffset);
      const keyScalar = this.convert(keyNode, keyOffset);
      if (keyScalar.kind !== "scalar") throw new ConvertError("mapping keys must be scalars", keyOffset);
      const value = this.convert(pair.value as YamlNode | null, keyNode?.range?.[1] ?? keyOffset);
      if (keyScalar.plain && keyScalar.text === MERGE_KEY) {
        merged.push(...this.mergeSources(value));
        continue;
      }
      explicit.push({ key: keyScalar.text, keyOffset, value });
    }
    // yaml.v3 merge keys: explicit keys win, then earlier merge sources win.
    const seen = new Set(explicit.map((e) => e.key));
    const entries = [...explicit];
    for (const entry of merged) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      entries.push(entry);
    }
    return { kind: "map", offset, entries };
  }

  private mergeSources(value: YNode): YEntry[] {
    if (value.kind === "map") return [...value.entries];
    if (value.kind === "seq" && value.items.every((i) => i.kind === "map")) return value.items.flatMap((i) => (i.kind === "map" ? i.entries : []));
    throw new ConvertError("map merge requires map or sequence of maps as the value", value.offset);
  }
}

class ConvertError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseYaml(text: string): YamlParse {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, merge: false, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (doc === undefined) return { ok: true, root: { kind: "scalar", offset: 0, text: "", plain: true, isNull: true }, lines, extraDocuments: false };
  const problem = doc.errors[0];
  if (problem !== undefined) return { ok: false, error: { message: firstLine(problem.message), offset: problem.pos[0] }, lines };
  try {
    const root = new Converter(doc).convert(doc.contents as YamlNode | null, 0);
    return { ok: true, root, lines, extraDocuments: list.length > 1 };
  } catch (e) {
    if (e instanceof ConvertError) return { ok: false, error: { message: e.message, offset: e.offset }, lines };
    throw e;
  }
}

function child(node: YNode, seg: string | number): YEntry | YNode | undefined {
  if (node.kind === "map" && typeof seg === "string") return node.entries.find((e) => e.key === seg);
  if (node.kind === "seq" && typeof seg === "number") return node.items[seg];
  return undefined;
}

function asNode(x: YEntry | YNode): YNode {
  return "kind" in x ? x : x.value;
}

/** The node at exactly this path, if there is one. */
export function nodeAt(root: YNode, path: YPath): YNode | undefined {
  let node: YNode = root;
  for (const seg of path) {
    const next = child(node, seg);
    if (next === undefined) return undefined;
    node = asNode(next);
  }
  return node;
}

/** Where vcontext would point for this path: the deepest node that exists (or the key itself, for unused keys). */
export function markerOffset(root: YNode, path: YPath, atKey: boolean): number {
  let node: YNode = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (seg === undefined) break;
    const next = child(node, seg);
    if (next === undefined) break;
    if (atKey && i === path.length - 1 && !("kind" in next)) return next.keyOffset;
    node = asNode(next);
  }
  return node.offset;
}

export function pathString(path: YPath): string {
  return "$" + path.map((s) => `.${s}`).join("");
}
