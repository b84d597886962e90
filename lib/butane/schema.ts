// The Butane schema for one variant/version: Ignition's structs for the
// target spec (lib/ignition/spec.ts) with snake_case keys, plus the fields
// Butane adds (inline, local, with_mount_unit, trees, *_local, boot_device,
// grub). Butane's own schema.go files mirror Ignition's the same way.

import { specFor, type FieldType, type StructDef } from "../ignition/spec";
import type { Target } from "./variants";

export type BType =
  | { readonly kind: "string" | "int" | "bool"; readonly ptr: boolean; readonly goType: string }
  | { readonly kind: "list"; readonly of: BType }
  | { readonly kind: "struct"; readonly def: BStruct }
  /** A Butane field Flotilla refuses with a fixed reason (e.g. quadlets). */
  | { readonly kind: "unsupported"; readonly reason: string };

export interface BField {
  /** Key in the Butane YAML. */
  readonly yaml: string;
  /** Ignition JSON field it becomes; null for Butane-only sugar. */
  readonly json: string | null;
  readonly type: BType;
}

export interface BStruct {
  /** Go struct name (Ignition's, or Butane's for sugar), for messages. */
  readonly name: string;
  /** The Ignition struct this becomes, when there is one. */
  readonly ign: StructDef | null;
  readonly fields: readonly BField[];
}

/** Go's camelCase → snake_case as Butane's util.Snake does it (sizeMiB → size_mib). */
export function snake(name: string): string {
  return name.replace(/(MiB|[A-Z])/g, "_$1").toLowerCase();
}

const str: BType = { kind: "string", ptr: true, goType: "string" };
const strVal: BType = { kind: "string", ptr: false, goType: "string" };
const bool: BType = { kind: "bool", ptr: true, goType: "bool" };
const int: BType = { kind: "int", ptr: true, goType: "int" };

function struct(name: string, fields: BField[]): BType {
  return { kind: "struct", def: { name, ign: null, fields } };
}

function sugar(yaml: string, type: BType): BField {
  return { yaml, json: null, type };
}

function extras(def: StructDef, t: Target): BField[] {
  const out: BField[] = [];
  switch (def.name) {
    case "FileContents": // Ignition 3.0 (fcos 1.0): inline only on file contents
      out.push(sugar("inline", str));
      break;
    case "Resource":
      out.push(sugar("inline", str), sugar("local", str));
      break;
    case "Filesystem":
      if (t.base >= 2) out.push(sugar("with_mount_unit", bool));
      break;
    case "Storage":
      if (t.base >= 2) out.push(sugar("trees", { kind: "list", of: struct("Tree", [sugar("local", strVal), sugar("path", str)]) }));
      break;
    case "Unit":
    case "Dropin":
      if (t.base >= 5) out.push(sugar("contents_local", str));
      break;
    case "PasswdUser":
      if (t.base >= 5) out.push(sugar("ssh_authorized_keys_local", { kind: "list", of: strVal }));
      break;
    case "Systemd":
      if (t.base >= 8) out.push(sugar("quadlets", { kind: "unsupported", reason: "systemd.quadlets is not supported by Flotilla's Butane translator" }));
      break;
  }
  return out;
}

class Builder {
  private readonly memo = new Map<StructDef, BStruct>();

  constructor(private readonly target: Target) {}

  fromField(type: FieldType): BType {
    switch (type.kind) {
      case "string":
        return { kind: "string", ptr: type.ptr, goType: "string" };
      case "int":
      case "bool":
        return { kind: type.kind, ptr: type.ptr, goType: type.kind };
      case "list":
        return { kind: "list", of: this.fromField(type.of) };
      case "struct":
        return { kind: "struct", def: this.fromStruct(type.def) };
    }
  }

  fromStruct(def: StructDef): BStruct {
    const known = this.memo.get(def);
    if (known !== undefined) return known;
    const fields: BField[] = [];
    const out: BStruct = { name: def.name, ign: def, fields };
    this.memo.set(def, out);
    for (const [name, type] of def.fields) {
      // The ignition version comes from the Butane version, never from YAML.
      if (def.name === "Ignition" && name === "version") continue;
      fields.push({ yaml: snake(name), json: name, type: this.fromField(type) });
    }
    fields.push(...extras(def, this.target));
    if (def.name === "Config") fields.push(...this.rootSugar());
    return out;
  }

  private rootSugar(): BField[] {
    const t = this.target;
    const out: BField[] = [sugar("variant", strVal), sugar("version", strVal)];
    if (t.variant !== "fcos") return out;
    if (t.fcosMinor >= 3) out.push(sugar("boot_device", this.bootDevice()));
    if (t.fcosMinor >= 5) out.push(sugar("grub", struct("Grub", [sugar("users", { kind: "list", of: struct("GrubUser", [sugar("name", strVal), sugar("password_hash", str)]) })])));
    return out;
  }

  private bootDevice(): BType {
    const t = this.target;
    const tang = this.tangType();
    const luks: BField[] = [sugar("tang", { kind: "list", of: tang }), sugar("threshold", int), sugar("tpm2", bool)];
    if (t.fcosMinor >= 5) luks.push(sugar("discard", bool));
    if (t.fcosMinor >= 6) luks.push(sugar("device", str), sugar("cex", struct("Cex", [sugar("enabled", bool)])));
    return struct("BootDevice", [
      sugar("layout", str),
      sugar("luks", struct("BootDeviceLuks", luks)),
      sugar("mirror", struct("BootDeviceMirror", [sugar("devices", { kind: "list", of: strVal })])),
    ]);
  }

  /** boot_device.luks.tang entries have Ignition's Tang shape, and translate to it. */
  private tangType(): BType {
    const spec = specFor(this.target.ignitionVersion);
    const luks = spec?.root.fields.find(([n]) => n === "storage")?.[1];
    const luksList = luks?.kind === "struct" ? luks.def.fields.find(([n]) => n === "luks")?.[1] : undefined;
    const luksDef = luksList?.kind === "list" && luksList.of.kind === "struct" ? luksList.of.def : undefined;
    const clevis = luksDef?.fields.find(([n]) => n === "clevis")?.[1];
    const tang = clevis?.kind === "struct" ? clevis.def.fields.find(([n]) => n === "tang")?.[1] : undefined;
    if (tang?.kind === "list") return this.fromField(tang.of);
    return struct("Tang", [sugar("url", strVal), sugar("thumbprint", str)]);
  }
}

export interface Schema {
  readonly root: BStruct;
}

export function schemaFor(target: Target): Schema | undefined {
  const spec = specFor(target.ignitionVersion);
  if (spec === undefined) return undefined;
  return { root: new Builder(target).fromStruct(spec.root) };
}
