// Turns the decoded Butane config into Ignition JSON: Ignition's field order
// and Go's omitempty rules (nil pointers, empty lists and zero structs are
// left out; required strings such as `path` and `name` are always written),
// inline contents become data: URLs.

import type { FieldType, StructDef } from "../ignition/spec";
import { makeDataUrl, plainDataUrl } from "./data-url";
import { getStr, type DStruct, type DValue } from "./decode";
import { obj, ostr, type ONode, type OObject } from "./output";
import { snake, type BStruct, type BType } from "./schema";
import type { Target } from "./variants";
import type { YPath } from "./yaml-tree";

interface Emitted {
  readonly node: OObject;
  /** Whether Go would consider the struct non-zero (clarketm/json omits zero structs). */
  readonly nonZero: boolean;
}

const RESOURCE_STRUCTS = new Set(["Resource", "FileContents"]);

function structOf(type: BType): BStruct | undefined {
  return type.kind === "struct" ? type.def : undefined;
}

export class Emitter {
  constructor(private readonly target: Target) {}

  config(def: BStruct, root: DStruct): OObject {
    return this.struct(def, root, []).node;
  }

  struct(def: BStruct, d: DStruct | undefined, src: YPath): Emitted {
    const ign = def.ign;
    if (ign === null) return { node: obj(src), nonZero: false };
    const overrides = this.resourceOverrides(ign, d);
    const fields: Array<[string, ONode]> = [];
    let nonZero = false;
    for (const [name, type] of ign.fields) {
      if (ign.name === "Ignition" && name === "version") {
        fields.push([name, ostr(this.target.ignitionVersion, ["version"])]);
        nonZero = true;
        continue;
      }
      const field = def.fields.find((f) => f.json === name);
      const override = overrides.get(name);
      const value = override ?? (field === undefined ? undefined : d?.fields.get(field.yaml));
      const here = value?.path ?? [...src, field?.yaml ?? snake(name)];
      const out = this.field(ign, name, type, field?.type, value, here);
      if (out === undefined) continue;
      fields.push([name, out.node]);
      nonZero ||= out.nonZero;
    }
    return { node: obj(d?.path ?? src, fields), nonZero };
  }

  private field(owner: StructDef, name: string, type: FieldType, btype: BType | undefined, value: DValue | undefined, src: YPath): { node: ONode; nonZero: boolean } | undefined {
    switch (type.kind) {
      case "string": {
        if (value?.kind === "str") return { node: ostr(value.v, src), nonZero: type.ptr || value.v !== "" };
        // Required strings have no omitempty in Ignition's Go types (Tang's url does).
        if (!type.ptr && !(owner.name === "Tang" && name === "url")) return { node: ostr("", src), nonZero: false };
        return undefined;
      }
      case "int":
        if (value?.kind !== "int" || (!type.ptr && value.v === 0n)) return undefined;
        return { node: { kind: "int", v: value.v, src }, nonZero: true };
      case "bool":
        return value?.kind === "bool" ? { node: { kind: "bool", v: value.v, src }, nonZero: true } : undefined;
      case "list": {
        if (value?.kind !== "list" || value.items.length === 0) return undefined;
        const elem = btype?.kind === "list" ? btype.of : undefined;
        const items = value.items.map((item) => this.item(type.of, elem, item));
        return { node: { kind: "arr", items, src: value.path }, nonZero: true };
      }
      case "struct": {
        const def = btype === undefined ? undefined : structOf(btype);
        if (def === undefined) return undefined;
        const out = this.struct(def, value?.kind === "struct" ? value : undefined, src);
        return out.nonZero ? out : undefined;
      }
    }
  }

  private item(type: FieldType, btype: BType | undefined, value: DValue): ONode {
    if (type.kind === "struct") {
      const def = btype === undefined ? undefined : structOf(btype);
      if (def !== undefined) return this.struct(def, value.kind === "struct" ? value : undefined, value.path).node;
    }
    switch (value.kind) {
      case "str":
        return ostr(value.v, value.path);
      case "int":
        return { kind: "int", v: value.v, src: value.path };
      case "bool":
        return { kind: "bool", v: value.v, src: value.path };
      default:
        return obj(value.path);
    }
  }

  /** inline → source (and compression "" from base v0_2 on, as MakeDataURL returns it). */
  private resourceOverrides(ign: StructDef, d: DStruct | undefined): Map<string, DValue> {
    const out = new Map<string, DValue>();
    if (!RESOURCE_STRUCTS.has(ign.name) || d === undefined) return out;
    const inline = d.fields.get("inline");
    if (inline?.kind !== "str") return out;
    if (this.target.base === 1) {
      out.set("source", { kind: "str", v: plainDataUrl(inline.v), path: inline.path });
      return out;
    }
    // base/v0_2+ translateResource: MakeDataURL(inline, compression, !NoResourceAutoCompression).
    const url = makeDataUrl(inline.v, getStr(d, "compression"), true);
    out.set("source", { kind: "str", v: url.source, path: inline.path });
    if (url.compression !== null) out.set("compression", { kind: "str", v: url.compression, path: inline.path });
    return out;
  }
}
