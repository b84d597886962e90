// The Ignition JSON being built. Every node remembers the YAML path it came
// from (Butane's TranslationSet), so Ignition's findings can be reported on
// the Butane source. Serialization follows Go's encoding/json MarshalIndent,
// which Butane uses: struct field order, HTML-safe escaping.

import type { StructDef } from "../ignition/spec";
import type { YPath } from "./yaml-tree";

export type ONode =
  | { readonly kind: "obj"; readonly fields: Array<[string, ONode]>; readonly src: YPath }
  | { readonly kind: "arr"; readonly items: ONode[]; readonly src: YPath }
  | { readonly kind: "str"; readonly v: string; readonly src: YPath }
  | { readonly kind: "int"; readonly v: bigint; readonly src: YPath }
  | { readonly kind: "bool"; readonly v: boolean; readonly src: YPath };

export type OObject = Extract<ONode, { kind: "obj" }>;

export function obj(src: YPath, fields: Array<[string, ONode]> = []): OObject {
  return { kind: "obj", fields, src };
}

export function oget(o: OObject, key: string): ONode | undefined {
  return o.fields.find(([k]) => k === key)?.[1];
}

/** Builds an object from (possibly absent) fields, in the order given. */
export function objOf(src: YPath, fields: Array<[string, ONode | undefined]>): OObject {
  return obj(
    src,
    fields.filter((f): f is [string, ONode] => f[1] !== undefined),
  );
}

export function ostr(v: string, src: YPath): ONode {
  return { kind: "str", v, src };
}

const HEX = "0123456789abcdef";

/** encoding/json's string encoder (HTML escaping on, as json.Marshal does). */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&") out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd"; // lone surrogate: Go writes U+FFFD for invalid UTF-8
    else out += ch;
  }
  return out + '"';
}

export function toJson(node: ONode, indent = ""): string {
  const inner = indent + "  ";
  switch (node.kind) {
    case "str":
      return quote(node.v);
    case "int":
      return node.v.toString();
    case "bool":
      return node.v ? "true" : "false";
    case "arr":
      if (node.items.length === 0) return "[]";
      return `[\n${node.items.map((i) => inner + toJson(i, inner)).join(",\n")}\n${indent}]`;
    case "obj":
      if (node.fields.length === 0) return "{}";
      return `{\n${node.fields.map(([k, v]) => `${inner}${quote(k)}: ${toJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
}

/** JSON path ("$.a.0.b") → the YAML path its value came from. */
export function sourceMap(root: ONode): Map<string, YPath> {
  const out = new Map<string, YPath>();
  const walk = (node: ONode, path: string): void => {
    out.set(path, node.src);
    if (node.kind === "obj") for (const [k, v] of node.fields) walk(v, `${path}.${k}`);
    if (node.kind === "arr") node.items.forEach((v, i) => walk(v, `${path}.${i}`));
  };
  walk(root, "$");
  return out;
}

// Merging generated config (the parent) with the translated one (the child),
// as Butane's MergeTranslatedConfigs does through Ignition's merge: list
// entries with the same key merge in the parent's position, child fields win,
// new child entries follow the parent's.

function keyOf(listName: string, item: ONode): string | undefined {
  if (item.kind !== "obj") return undefined;
  const field = (k: string): string | undefined => {
    const v = oget(item, k);
    return v?.kind === "str" ? v.v : v?.kind === "int" ? v.v.toString() : undefined;
  };
  switch (listName) {
    case "units":
    case "dropins":
    case "raid":
    case "luks":
    case "users":
    case "groups":
    case "httpHeaders":
      return field("name");
    case "disks":
    case "filesystems":
      return field("device");
    case "files":
    case "directories":
    case "links":
      return field("path");
    case "partitions": {
      const n = field("number");
      return n !== undefined && n !== "0" ? `n:${n}` : `l:${field("label") ?? ""}`;
    }
    case "tang":
      return field("url");
    default:
      return field("source");
  }
}

function sameScalar(a: ONode, b: ONode): boolean {
  return (a.kind === "str" || a.kind === "int" || a.kind === "bool") && a.kind === b.kind && a.v === b.v;
}

function mergeList(name: string, def: StructDef | undefined, parent: ONode[], child: ONode[]): ONode[] {
  const out = [...parent];
  for (const item of child) {
    if (item.kind !== "obj") {
      if (!out.some((p) => sameScalar(p, item))) out.push(item);
      continue;
    }
    const key = keyOf(name, item);
    const at = key === undefined ? -1 : parent.findIndex((p) => keyOf(name, p) === key);
    const target = at < 0 ? undefined : out[at];
    if (target?.kind === "obj" && def !== undefined) out[at] = mergeObjects(def, target, item);
    else out.push(item);
  }
  return out;
}

export function mergeObjects(def: StructDef, parent: OObject, child: OObject): OObject {
  const fields: Array<[string, ONode]> = [];
  for (const [name, type] of def.fields) {
    const p = oget(parent, name);
    const c = oget(child, name);
    let v: ONode | undefined = c ?? p;
    if (p !== undefined && c !== undefined) {
      if (type.kind === "struct" && p.kind === "obj" && c.kind === "obj") v = mergeObjects(type.def, p, c);
      else if (type.kind === "list" && p.kind === "arr" && c.kind === "arr") {
        v = { kind: "arr", items: mergeList(name, type.of.kind === "struct" ? type.of.def : undefined, p.items, c.items), src: c.src };
      }
    }
    if (v !== undefined) fields.push([name, v]);
  }
  return obj(child.src, fields);
}
