// Butane's own validation of the source config (the Validate methods in
// base/v0_N and config/fcos/v1_N), run before translating. Reading local
// files (local, *_local, storage.trees) is refused: Flotilla has no files
// directory, and in the browser no file system at all.

import { getBool, getList, getStr, getStruct, structsOf, type DStruct, type DValue } from "./decode";
import { oget, type OObject } from "./output";
import type { Target } from "./variants";
import type { YPath } from "./yaml-tree";

export interface CheckIssue {
  readonly severity: "error" | "warning";
  readonly path: YPath;
  readonly message: string;
}

export const ERR_LOCAL_FILE = "local files are not available in Flotilla (there is no --files-dir); embed the contents with inline instead";
export const ERR_TREES = "storage.trees reads a local directory, which is not available in Flotilla; list the files under storage.files with inline contents instead";
const ERR_TOO_MANY_SOURCES = "only one of the following can be set: inline, local, source";
const ERR_TOO_MANY_SYSTEMD_SOURCES = "only one of the following can be set: contents, contents_local";
const ERR_DECIMAL_MODE = "unreasonable mode would be reasonable if specified in octal; remember to add a leading zero";
const ERR_MOUNT_NO_PATH = "path is required if with_mount_unit is true and format is not swap";
const ERR_MOUNT_NO_FORMAT = "format is required if with_mount_unit is true";
const ERR_MOUNT_FORBIDDEN = "path must be under /etc or /var if with_mount_unit is true";
const ERR_TREE_NO_LOCAL = "local is required";
const ERR_REUSE_BY_LABEL =
  "partitions cannot be reused by label; number must be specified except on boot disk (/dev/disk/by-id/coreos-boot-disk) or when wipe_table is true";
const ERR_CLEVIS = "clevis is not supported in this spec version";
const BOOT_DISK = "/dev/disk/by-id/coreos-boot-disk";
export const WARN_RESERVED_LABEL = "incorrect partition number; a new partition will be created using reserved label";
/** Partition labels of the FCOS image and the numbers they have there. */
const RESERVED_LABELS: Readonly<Record<string, bigint>> = { "BIOS-BOOT": 1n, "PowerPC-PReP-boot": 1n, "EFI-SYSTEM": 2n, boot: 3n, root: 4n };

/** Whether a mode is unsurprising (Butane's isTypicalMode). */
function isTypicalMode(mode: number, directory: boolean): boolean {
  if (mode === 0) return true;
  let hadR = false;
  let hadW = false;
  let hadX = false;
  for (const perm of [mode & 0o7, (mode >> 3) & 0o7, (mode >> 6) & 0o7]) {
    const r = (perm & 4) !== 0;
    const w = (perm & 2) !== 0;
    const x = (perm & 1) !== 0;
    if ((!r && hadR) || (!w && hadW) || (!x && hadX)) return false;
    if (x && hadR && !hadX) return false;
    if ((w || x) && !r) return false;
    hadR ||= r;
    hadW ||= w;
    hadX ||= x;
  }
  if (!hadR) return false;
  if (directory) return hadX && (mode & 0o4000) === 0 && ((mode & 0o3000) === 0 || hadW);
  if ((mode & 0o6000) !== 0 && (!hadX || (mode & 2) !== 0)) return false;
  return (mode & 0o1000) === 0;
}

/** Reads the decimal digits of mode as octal ("644" → 0o644); undefined when that is impossible. */
function decimalAsOctal(mode: bigint): number | undefined {
  if (mode < 0n || mode > 7777n) return undefined;
  const digits = mode.toString();
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : undefined;
}

export function looksDecimal(mode: bigint, directory: boolean): boolean {
  const octal = decimalAsOctal(mode);
  return octal !== undefined && !isTypicalMode(Number(mode), directory) && isTypicalMode(octal, directory);
}

export class SourceChecks {
  readonly issues: CheckIssue[] = [];

  constructor(private readonly target: Target) {}

  private error(path: YPath, message: string): void {
    this.issues.push({ severity: "error", path, message });
  }

  private warn(path: YPath, message: string): void {
    this.issues.push({ severity: "warning", path, message });
  }

  run(root: DStruct): void {
    this.visit(root);
    this.root(root);
  }

  private visit(value: DValue): void {
    if (value.kind === "list") value.items.forEach((v) => this.visit(v));
    if (value.kind !== "struct") return;
    this.struct(value);
    for (const v of value.fields.values()) this.visit(v);
  }

  private struct(s: DStruct): void {
    const at = (key: string): YPath => [...s.path, key];
    switch (s.def.name) {
      case "Resource":
      case "FileContents": {
        const set = ["local", "inline", "source"].filter((k) => s.fields.has(k));
        const last = set[set.length - 1];
        if (set.length > 1 && last !== undefined) this.error(at(last), ERR_TOO_MANY_SOURCES);
        if (s.fields.has("local")) this.error(at("local"), ERR_LOCAL_FILE);
        break;
      }
      case "File":
      case "Directory": {
        const mode = s.fields.get("mode");
        if (mode?.kind === "int" && looksDecimal(mode.v, s.def.name === "Directory")) this.warn(mode.path, ERR_DECIMAL_MODE);
        break;
      }
      case "Filesystem":
        this.filesystem(s);
        break;
      case "Unit":
      case "Dropin":
        if (s.fields.has("contents_local")) {
          this.error(at("contents_local"), s.fields.has("contents") ? ERR_TOO_MANY_SYSTEMD_SOURCES : ERR_LOCAL_FILE);
        }
        break;
      case "PasswdUser":
        if (getList(s, "ssh_authorized_keys_local").length > 0) this.error(at("ssh_authorized_keys_local"), ERR_LOCAL_FILE);
        break;
      case "Tree":
        this.error(s.path, (getStr(s, "local") ?? "") === "" ? ERR_TREE_NO_LOCAL : ERR_TREES);
        break;
      case "Luks":
        if (this.target.variant === "flatcar" && this.target.base < 8 && (getStruct(s, "clevis")?.fields.size ?? 0) > 0) this.error(at("clevis"), ERR_CLEVIS);
        break;
      case "GrubUser":
        if ((getStr(s, "name") ?? "") === "") this.error(at("name"), 'field "name" is required');
        if ((getStr(s, "password_hash") ?? "") === "") this.error(at("password_hash"), 'field "password_hash" is required');
        break;
      case "BootDevice":
        this.bootDevice(s);
        break;
    }
  }

  private filesystem(fs: DStruct): void {
    if (getBool(fs, "with_mount_unit") !== true) return;
    const format = getStr(fs, "format") ?? "";
    const path = getStr(fs, "path");
    const swapOk = this.target.base >= 4 && format === "swap";
    if (format === "") this.error([...fs.path, "format"], ERR_MOUNT_NO_FORMAT);
    else if (!swapOk && (path ?? "") === "") this.error([...fs.path, "path"], ERR_MOUNT_NO_PATH);
    if (this.target.fcosMinor >= 6 && path !== undefined && !/^\/(etc|var)(\/|$)/.test(path)) this.error([...fs.path, "path"], ERR_MOUNT_FORBIDDEN);
  }

  private root(root: DStruct): void {
    if (this.target.fcosMinor < 6) return;
    for (const disk of structsOf(getList(getStruct(root, "storage"), "disks"))) {
      if (getStr(disk, "device") === BOOT_DISK || getBool(disk, "wipe_table") === true) continue;
      for (const part of structsOf(getList(disk, "partitions"))) {
        if (getStr(part, "label") !== undefined && isZeroNumber(part)) this.warn([...part.path, "number"], ERR_REUSE_BY_LABEL);
      }
    }
  }

  private bootDevice(bd: DStruct): void {
    const minor = this.target.fcosMinor;
    const layout = getStr(bd, "layout");
    const luks = getStruct(bd, "luks");
    const device = getStr(luks, "device");
    const mirrors = getList(getStruct(bd, "mirror"), "devices").length;
    const layouts = minor >= 6 ? ["aarch64", "ppc64le", "s390x-eckd", "s390x-virt", "s390x-zfcp", "x86_64"] : ["aarch64", "ppc64le", "x86_64"];
    const at = (...keys: string[]): YPath => [...bd.path, ...keys];
    if (layout !== undefined && !layouts.includes(layout)) this.error(at("layout"), `layout must be one of: ${layouts.join(", ")}`);
    if (minor >= 6 && layout !== undefined) {
      const pattern = layout === "s390x-eckd" ? /\/dev\/dasd[a-z]$/ : layout === "s390x-zfcp" ? /\/dev\/sd[a-z]$/ : undefined;
      if (pattern !== undefined && (device ?? "") === "") this.error(at("layout"), "device is required for layouts: s390x-eckd, s390x-zfcp");
      else if (pattern !== undefined && !pattern.test(device ?? "")) {
        this.error(at("layout"), "device name must start with /dev/dasd on s390x-eckd layout or /dev/sd on s390x-zfcp layout");
      }
      if (layout.startsWith("s390x") && mirrors > 0) this.error(at("layout"), "mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt");
    }
    if (minor >= 6 && getBool(getStruct(luks, "cex"), "enabled") === true) {
      if (layout === undefined) this.error(at("luks", "cex"), "when using cex the targeted architecture must match s390x");
      else if (!layout.startsWith("s390x")) this.error(at("layout"), "when using cex the targeted architecture must match s390x");
      if (getList(luks, "tang").length > 0 || getBool(luks, "tpm2") === true) this.error(at("luks"), "cannot use cex with clevis");
    }
    const method = getList(luks, "tang").length > 0 || getBool(luks, "tpm2") === true || getBool(getStruct(luks, "cex"), "enabled") === true;
    if (minor >= 7 && (device ?? "") !== "" && !method) this.error(at("luks"), "no method specified for luks");
    if (mirrors === 1) this.error(at("mirror", "devices"), "mirroring requires at least two devices");
    if (mirrors > 0 && layout === undefined) {
      const message = "layout is required when mirroring the boot disk (layouts differ by architecture)";
      if (minor >= 7) this.error(at("layout"), message);
      else this.warn(at("layout"), message);
    }
  }
}

function isZeroNumber(part: DStruct): boolean {
  const n = part.fields.get("number");
  return n === undefined || (n.kind === "int" && n.v === 0n);
}

/**
 * fcos 1.3+: a partition reusing one of the image's labels under another
 * number is created anew rather than matched. Checked on the translated
 * config (JSON paths), after boot_device, as Butane does.
 */
export function reservedLabelWarnings(out: OObject): string[] {
  const paths: string[] = [];
  const storage = oget(out, "storage");
  const disks = storage?.kind === "obj" ? oget(storage, "disks") : undefined;
  if (disks?.kind !== "arr") return paths;
  disks.items.forEach((disk, i) => {
    if (disk.kind !== "obj") return;
    const wipe = oget(disk, "wipeTable");
    const parts = oget(disk, "partitions");
    if ((wipe?.kind === "bool" && wipe.v) || parts?.kind !== "arr") return;
    parts.items.forEach((part, j) => {
      if (part.kind !== "obj") return;
      const label = oget(part, "label");
      const number = oget(part, "number");
      const expected = label?.kind === "str" ? RESERVED_LABELS[label.v] : undefined;
      if (expected !== undefined && (number?.kind === "int" ? number.v : 0n) !== expected) paths.push(`$.storage.disks.${i}.partitions.${j}.label`);
    });
  });
  return paths;
}
