// Decodes the YAML tree into the Butane schema the way gopkg.in/yaml.v3
// fills Butane's Go structs: plain scalars resolve by the target field's type
// (0644 into an int is octal 420; yes/on into a bool are true), anything can
// become a string, and a value of the wrong kind is a type error. Keys the
// schema does not know are reported like Ignition's ValidateUnusedKeys.

import type { BStruct, BType } from "./schema";
import type { YMap, YNode, YPath, YScalar } from "./yaml-tree";

export type DValue =
  | { readonly kind: "str"; readonly v: string; readonly path: YPath }
  | { readonly kind: "int"; readonly v: bigint; readonly path: YPath }
  | { readonly kind: "bool"; readonly v: boolean; readonly path: YPath }
  | DStruct
  | { readonly kind: "list"; readonly items: DValue[]; readonly path: YPath };

export interface DStruct {
  readonly kind: "struct";
  readonly def: BStruct;
  readonly fields: Map<string, DValue>;
  readonly path: YPath;
}

export interface DecodeIssue {
  readonly path: YPath;
  readonly message: string;
  readonly severity: "error" | "warning";
  readonly atKey?: boolean;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TRUE_PLAIN = new Set(["true", "True", "TRUE"]);
const FALSE_PLAIN = new Set(["false", "False", "FALSE"]);
// yaml.v3 accepts YAML 1.1 booleans, quoted or not, when the target is a bool.
const TRUE_11 = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const FALSE_11 = new Set(["n", "N", "no", "No", "NO", "off", "Off", "OFF"]);

/** strconv.ParseInt(s, 0, 64) after yaml.v3 strips underscores: 0x, 0o, 0b and leading-0 octal. */
function parseGoInt(raw: string): bigint | undefined {
  const s = raw.replace(/_/g, "");
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (m === null) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  const body = m[2] ?? "";
  let n: bigint;
  if (/^0[xX]/.test(body)) n = BigInt(`0x${body.slice(2)}`);
  else if (/^0[oO]/.test(body)) n = BigInt(`0o${body.slice(2)}`);
  else if (/^0[bB]/.test(body)) n = BigInt(`0b${body.slice(2)}`);
  else if (body.length > 1 && body.startsWith("0")) n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  return sign * n;
}

function plainTag(s: YScalar): string {
  if (!s.plain) return "!!str";
  if (s.isNull) return "!!null";
  if (TRUE_PLAIN.has(s.text) || FALSE_PLAIN.has(s.text)) return "!!bool";
  if (parseGoInt(s.text) !== undefined) return "!!int";
  if (FLOAT.test(s.text.replace(/_/g, "")) || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s.text)) return "!!float";
  return "!!str";
}

function goTypeName(type: BType): string {
  switch (type.kind) {
    case "string":
    case "int":
    case "bool":
      return type.goType;
    case "list":
      return `[]${goTypeName(type.of)}`;
    case "struct":
      return type.def.name;
    case "unsupported":
      return "unsupported";
  }
}

function describe(node: YNode): string {
  if (node.kind === "map") return "!!map";
  if (node.kind === "seq") return "!!seq";
  const shown = node.text.length > 40 ? `${node.text.slice(0, 37)}...` : node.text;
  return `${plainTag(node)} \`${shown}\``;
}

export class Decoder {
  readonly issues: DecodeIssue[] = [];

  private typeError(node: YNode, type: BType, path: YPath): undefined {
    this.issues.push({ severity: "error", path, message: `cannot unmarshal ${describe(node)} into ${goTypeName(type)}` });
    return undefined;
  }

  /** Decodes a struct from a mapping (or null, which leaves it empty). */
  struct(node: YNode, def: BStruct, path: YPath): DStruct | undefined {
    const fields = new Map<string, DValue>();
    if (node.kind === "scalar" && node.isNull) return { kind: "struct", def, fields, path };
    if (node.kind !== "map") return this.typeError(node, { kind: "struct", def }, path);
    this.fill(node, def, path, fields);
    return { kind: "struct", def, fields, path };
  }

  private fill(node: YMap, def: BStruct, path: YPath, fields: Map<string, DValue>): void {
    for (const entry of node.entries) {
      const here = [...path, entry.key];
      const field = def.fields.find((f) => f.yaml === entry.key);
      if (field === undefined) {
        this.issues.push({ severity: "warning", path: here, message: `Unused key ${entry.key}`, atKey: true });
        continue;
      }
      if (field.type.kind === "unsupported") {
        this.issues.push({ severity: "error", path: here, message: field.type.reason, atKey: true });
        continue;
      }
      // null leaves a field unset, as yaml.v3 does for pointers and slices.
      if (entry.value.kind === "scalar" && entry.value.isNull) continue;
      const value = this.value(entry.value, field.type, here);
      if (value !== undefined) fields.set(field.yaml, value);
    }
  }

  value(node: YNode, type: BType, path: YPath): DValue | undefined {
    switch (type.kind) {
      case "struct":
        return this.struct(node, type.def, path);
      case "list":
        return this.list(node, type, path);
      case "unsupported":
        return undefined;
      default:
        if (node.kind !== "scalar") return this.typeError(node, type, path);
        return this.scalar(node, type, path);
    }
  }

  private list(node: YNode, type: Extract<BType, { kind: "list" }>, path: YPath): DValue | undefined {
    if (node.kind !== "seq") return this.typeError(node, type, path);
    const items: DValue[] = [];
    node.items.forEach((item, i) => {
      const here = [...path, i];
      // A null list entry is the element type's zero value.
      const v = item.kind === "scalar" && item.isNull ? zero(type.of, here) : this.value(item, type.of, here);
      if (v !== undefined) items.push(v);
    });
    return { kind: "list", items, path };
  }

  private scalar(node: YScalar, type: Extract<BType, { kind: "string" | "int" | "bool" }>, path: YPath): DValue | undefined {
    if (type.kind === "string") return { kind: "str", v: node.text, path };
    if (type.kind === "bool") {
      if (node.plain && TRUE_PLAIN.has(node.text)) return { kind: "bool", v: true, path };
      if (node.plain && FALSE_PLAIN.has(node.text)) return { kind: "bool", v: false, path };
      if (TRUE_11.has(node.text)) return { kind: "bool", v: true, path };
      if (FALSE_11.has(node.text)) return { kind: "bool", v: false, path };
      return this.typeError(node, type, path);
    }
    if (!node.plain) return this.typeError(node, type, path);
    let n = parseGoInt(node.text);
    // yaml.v3 resolves "08" or "1e3" as floats and truncates them into ints.
    if (n === undefined && FLOAT.test(node.text.replace(/_/g, ""))) {
      const f = Number(node.text.replace(/_/g, ""));
      if (Number.isFinite(f)) n = BigInt(Math.trunc(f));
    }
    if (n === undefined || n > INT64_MAX || n < INT64_MIN) return this.typeError(node, type, path);
    return { kind: "int", v: n, path };
  }
}

function zero(type: BType, path: YPath): DValue | undefined {
  switch (type.kind) {
    case "string":
      return { kind: "str", v: "", path };
    case "int":
      return { kind: "int", v: 0n, path };
    case "bool":
      return { kind: "bool", v: false, path };
    case "struct":
      return { kind: "struct", def: type.def, fields: new Map(), path };
    case "list":
      return { kind: "list", items: [], path };
    case "unsupported":
      return undefined;
  }
}

// Accessors for checks and sugar, which read decoded structs by YAML key.

export function getStr(s: DStruct | undefined, key: string): string | undefined {
  const v = s?.fields.get(key);
  return v?.kind === "str" ? v.v : undefined;
}

export function getBool(s: DStruct | undefined, key: string): boolean | undefined {
  const v = s?.fields.get(key);
  return v?.kind === "bool" ? v.v : undefined;
}

export function getInt(s: DStruct | undefined, key: string): bigint | undefined {
  const v = s?.fields.get(key);
  return v?.kind === "int" ? v.v : undefined;
}

export function getStruct(s: DStruct | undefined, key: string): DStruct | undefined {
  const v = s?.fields.get(key);
  return v?.kind === "struct" ? v : undefined;
}

export function getList(s: DStruct | undefined, key: string): DValue[] {
  const v = s?.fields.get(key);
  return v?.kind === "list" ? v.items : [];
}

export function structsOf(items: readonly DValue[]): DStruct[] {
  return items.filter((i): i is DStruct => i.kind === "struct");
}
