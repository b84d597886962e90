// Decodes the JSON tree into Go-shaped values the way encoding/json fills
// Ignition's structs: keys match case-insensitively, later keys win, objects
// decode into (and merge with) existing structs, null leaves non-pointer values
// alone, and a value of the wrong type is skipped with an UnmarshalTypeError.

import type { JsonNode, JsonObject } from "./json-ast";
import type { FieldType, StructDef } from "./spec";

export type GoValue = string | bigint | boolean | GoStruct | GoValue[];
export interface GoStruct {
  [field: string]: GoValue | undefined;
}

export type PathSegment = string | number;

export interface TypeError {
  readonly path: readonly PathSegment[];
  readonly node: JsonNode;
  readonly message: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function zeroValue(type: FieldType): GoValue | undefined {
  if (type.kind !== "list" && type.ptr) return undefined;
  switch (type.kind) {
    case "string":
      return "";
    case "int":
      return 0n;
    case "bool":
      return false;
    case "list":
      return [];
    case "struct":
      return newStruct(type.def);
  }
}

export function newStruct(def: StructDef): GoStruct {
  const out: GoStruct = {};
  for (const [name, type] of def.fields) {
    const zero = zeroValue(type);
    if (zero !== undefined) out[name] = zero;
  }
  return out;
}

/** Go's encoding/json key folding: ASCII case plus the Kelvin sign and long s. */
function foldKey(key: string): string {
  return key.replace(/\u212a/g, "k").replace(/\u017f/g, "s").toLowerCase();
}

export function findField(def: StructDef, key: string): readonly [string, FieldType] | undefined {
  const exact = def.fields.find(([name]) => name === key);
  if (exact !== undefined) return exact;
  const folded = foldKey(key);
  return def.fields.find(([name]) => name.toLowerCase() === folded);
}

export function goTypeName(type: FieldType): string {
  switch (type.kind) {
    case "string":
    case "list":
      return type.goType;
    case "int":
    case "bool":
      return type.kind;
    case "struct":
      return `types.${type.def.name}`;
  }
}

export function jsonKindName(node: JsonNode): string {
  return node.kind === "null" ? "null" : node.kind;
}

/** Parses an integer literal the way Go's strconv.ParseInt(s, 10, 64) accepts it. */
export function parseGoInt(raw: string): bigint | undefined {
  if (!/^-?\d+$/.test(raw)) return undefined;
  const n = BigInt(raw);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

interface DecodeContext {
  readonly errors: TypeError[];
  readonly fieldStack: string[];
  structName: string;
}

const UNCHANGED = Symbol("unchanged");
type Decoded = GoValue | undefined | typeof UNCHANGED;

function typeError(ctx: DecodeContext, path: readonly PathSegment[], node: JsonNode, value: string, type: FieldType): typeof UNCHANGED {
  ctx.errors.push({
    path,
    node,
    message: `json: cannot unmarshal ${value} into Go struct field ${ctx.structName}.${ctx.fieldStack.join(".")} of type ${goTypeName(type)}`,
  });
  return UNCHANGED;
}

function decodeValue(existing: GoValue | undefined, type: FieldType, node: JsonNode, ctx: DecodeContext, path: readonly PathSegment[]): Decoded {
  if (node.kind === "null") {
    if (type.kind === "list") return [];
    return type.ptr ? undefined : UNCHANGED;
  }
  switch (type.kind) {
    case "string":
      return node.kind === "string" ? node.value : typeError(ctx, path, node, jsonKindName(node), type);
    case "bool":
      return node.kind === "bool" ? node.value : typeError(ctx, path, node, jsonKindName(node), type);
    case "int": {
      if (node.kind !== "number") return typeError(ctx, path, node, jsonKindName(node), type);
      const n = parseGoInt(node.raw);
      return n === undefined ? typeError(ctx, path, node, `number ${node.raw}`, type) : n;
    }
    case "list": {
      if (node.kind !== "array") return typeError(ctx, path, node, jsonKindName(node), type);
      // Go decodes into the elements already present, then truncates.
      const out: GoValue[] = Array.isArray(existing) ? existing.slice(0, node.items.length) : [];
      node.items.forEach((item, i) => {
        const current = out[i] ?? zeroValue(type.of);
        const decoded = decodeValue(current, type.of, item, ctx, [...path, i]);
        const next = decoded === UNCHANGED ? current : decoded;
        out[i] = next ?? zeroValue(type.of) ?? "";
      });
      return out;
    }
    case "struct": {
      if (node.kind !== "object") return typeError(ctx, path, node, jsonKindName(node), type);
      const target = isStruct(existing) ? existing : newStruct(type.def);
      decodeStructInto(target, type.def, node, ctx, path);
      return target;
    }
  }
}

function decodeStructInto(target: GoStruct, def: StructDef, obj: JsonObject, ctx: DecodeContext, path: readonly PathSegment[]): void {
  for (const entry of obj.entries) {
    const field = findField(def, entry.key);
    if (field === undefined) continue;
    const [name, type] = field;
    const savedStruct = ctx.structName;
    ctx.structName = def.name;
    ctx.fieldStack.push(name);
    const decoded = decodeValue(target[name], type, entry.value, ctx, [...path, name]);
    ctx.fieldStack.pop();
    ctx.structName = savedStruct;
    if (decoded === UNCHANGED) continue;
    if (decoded === undefined) delete target[name];
    else target[name] = decoded;
  }
}

export function isStruct(v: GoValue | undefined): v is GoStruct {
  return typeof v === "object" && !Array.isArray(v);
}

export interface DecodeResult {
  readonly value: GoStruct;
  readonly typeErrors: readonly TypeError[];
}

/** Decodes a root object (the caller has already checked the root is an object). */
export function decodeRoot(root: JsonObject, def: StructDef): DecodeResult {
  const ctx: DecodeContext = { errors: [], fieldStack: [], structName: def.name };
  const value = newStruct(def);
  decodeStructInto(value, def, root, ctx, []);
  return { value, typeErrors: ctx.errors };
}
