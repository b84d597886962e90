// Schema-driven checks that walk every struct of the decoded config, as
// Ignition's validate.ValidateDups and ValidateUnusedKeys do: duplicate list
// entries, keys the spec version does not know, and JSON that is not an object
// where a struct is expected (null).

import { isStruct, type GoStruct, type GoValue, type PathSegment } from "./decode";
import type { JsonNode } from "./json-ast";
import { nodeAt, pathString, type Report } from "./report";
import type { StructDef } from "./spec";

function str(v: GoValue | undefined): string {
  return typeof v === "string" ? v : "";
}

/** The Key() of a list element, by Go struct type. */
function elementKey(def: StructDef, el: GoStruct): string {
  switch (def.name) {
    case "Resource":
    case "ConfigReference":
    case "CaReference":
    case "FileContents":
      return str(el.source);
    case "HTTPHeader":
    case "Luks":
    case "Raid":
    case "PasswdUser":
    case "PasswdGroup":
    case "Unit":
    case "Dropin":
      return str(el.name);
    case "Partition": {
      const n = typeof el.number === "bigint" ? el.number : 0n;
      if (n !== 0n) return `number:${n}`;
      return typeof el.label === "string" ? `label:${el.label}` : "";
    }
    case "Disk":
    case "Filesystem":
      return str(el.device);
    case "Tang":
      return str(el.url);
    case "Directory":
    case "File":
    case "Link":
      return str(el.path);
    default:
      return JSON.stringify(el, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

function checkDuplicates(def: StructDef, value: GoStruct, path: readonly PathSegment[], report: Report): void {
  const spaces = new Map<string, Set<string>>();
  for (const [name, type] of def.fields) {
    if (type.kind !== "list" || def.ignoreDups?.includes(name) === true) continue;
    const items = value[name];
    if (!Array.isArray(items)) continue;
    const spaceName = def.mergedKeys?.[name] ?? name;
    const seen = spaces.get(spaceName) ?? new Set<string>();
    spaces.set(spaceName, seen);
    items.forEach((item, i) => {
      const key = type.of.kind === "struct" && isStruct(item) ? elementKey(type.of.def, item) : str(item);
      if (seen.has(key)) report.error([...path, name, i], "duplicate entry defined");
      seen.add(key);
    });
  }
}

function checkKeys(def: StructDef, path: readonly PathSegment[], root: JsonNode, report: Report): void {
  const node = nodeAt(root, path);
  if (node === undefined) return;
  if (node.kind !== "object") {
    report.warn(
      path,
      `context tree does not match content tree at ${pathString(path)}. Line and column reporting may be inconsistent. Unused keys may not be reported.`,
    );
    return;
  }
  const known = new Set(def.fields.map(([name]) => name));
  const reported = new Set<string>();
  for (const { key } of node.entries) {
    if (known.has(key) || reported.has(key)) continue;
    reported.add(key);
    report.warnAtKey([...path, key], `Unused key ${key}`);
  }
}

export function checkStructure(def: StructDef, value: GoStruct, path: readonly PathSegment[], root: JsonNode, report: Report): void {
  checkKeys(def, path, root, report);
  checkDuplicates(def, value, path, report);
  for (const [name, type] of def.fields) {
    const v = value[name];
    if (type.kind === "struct" && isStruct(v)) checkStructure(type.def, v, [...path, name], root, report);
    if (type.kind === "list" && type.of.kind === "struct" && Array.isArray(v)) {
      const elemDef = type.of.def;
      v.forEach((el, i) => {
        if (isStruct(el)) checkStructure(elemDef, el, [...path, name, i], root, report);
      });
    }
  }
}
