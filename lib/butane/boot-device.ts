// fcos sugar that renders extra Ignition config: boot_device (LUKS root and
// RAID1 mirroring, fcos 1.3+) and grub.users (fcos 1.5+). Layout constants
// follow Butane's config/fcos/v1_N/translate.go, which replicates the
// partition layout of the Fedora CoreOS image.

import { makeDataUrl } from "./data-url";
import { getBool, getList, getStr, getStruct, structsOf, type DStruct } from "./decode";
import type { Emitter } from "./emit";
import { obj, objOf, ostr, type ONode, type OObject } from "./output";
import type { YPath } from "./yaml-tree";

const RESERVED_GUID = "8DA63339-0007-60C0-C436-083AC8230908";
const BIOS_GUID = "21686148-6449-6E6F-744E-656564454649";
const PREP_GUID = "9E1A2D38-C612-4316-AA26-8B49521E5A8B";
const ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
const RESERVED_MIB = 1n;
const BIOS_MIB = 1n;
const PREP_MIB = 4n;
const ESP_MIB = 127n;
const BOOT_MIB = 384n;

const int = (v: bigint, src: YPath): ONode => ({ kind: "int", v, src });
const yes = (src: YPath): ONode => ({ kind: "bool", v: true, src });
const list = (items: ONode[], src: YPath): ONode | undefined => (items.length > 0 ? { kind: "arr", items, src } : undefined);

function partition(label: string, src: YPath, sizeMiB?: bigint, typeGuid?: string): OObject {
  return objOf(src, [
    ["label", ostr(label, src)],
    ["sizeMiB", sizeMiB === undefined ? undefined : int(sizeMiB, src)],
    ["typeGuid", typeGuid === undefined ? undefined : ostr(typeGuid, src)],
  ]);
}

function filesystem(device: string, format: string, label: string, src: YPath): OObject {
  return obj(src, [
    ["device", ostr(device, src)],
    ["format", ostr(format, src)],
    ["label", ostr(label, src)],
    ["wipeFilesystem", yes(src)],
  ]);
}

function wantsLuks(luks: DStruct | undefined): boolean {
  return getBool(luks, "tpm2") === true || getList(luks, "tang").length > 0 || getBool(getStruct(luks, "cex"), "enabled") === true;
}

/** Rendered storage for boot_device, or undefined when it asks for nothing. */
export function renderBootDevice(root: DStruct, emitter: Emitter): OObject | undefined {
  const bd = getStruct(root, "boot_device");
  const luks = getStruct(bd, "luks");
  const devices = getList(getStruct(bd, "mirror"), "devices").flatMap((d) => (d.kind === "str" ? [d] : []));
  const wantLuks = wantsLuks(luks);
  const wantMirror = devices.length > 0;
  if (!wantLuks && !wantMirror) return undefined;

  const layout = getStr(bd, "layout") ?? "x86_64";
  const bios = layout === "x86_64";
  const efi = layout === "x86_64" || layout === "aarch64";
  const prep = layout === "ppc64le";
  const disks: ONode[] = [];
  const filesystems: ONode[] = [];
  const raid: ONode[] = [];
  const mirrorSrc: YPath = ["boot_device", "mirror"];

  devices.forEach((dev, i) => {
    const n = i + 1;
    const src = dev.path;
    const parts: ONode[] = [];
    if (bios) parts.push(partition(`bios-${n}`, src, BIOS_MIB, BIOS_GUID));
    else if (prep) parts.push(partition(`prep-${n}`, src, PREP_MIB, PREP_GUID));
    else parts.push(partition(`reserved-${n}`, src, RESERVED_MIB, RESERVED_GUID));
    parts.push(efi ? partition(`esp-${n}`, src, ESP_MIB, ESP_GUID) : partition(`reserved-${n}`, src, RESERVED_MIB, RESERVED_GUID));
    parts.push(partition(`boot-${n}`, src, BOOT_MIB), partition(`root-${n}`, src));
    disks.push(obj(src, [["device", ostr(dev.v, src)], ["partitions", { kind: "arr", items: parts, src }], ["wipeTable", yes(src)]]));
    if (efi) filesystems.push(filesystem(`/dev/disk/by-partlabel/esp-${n}`, "vfat", `esp-${n}`, src));
  });
  if (wantMirror) {
    const members = (prefix: string): ONode => ({ kind: "arr", items: devices.map((_, i) => ostr(`/dev/disk/by-partlabel/${prefix}-${i + 1}`, mirrorSrc)), src: mirrorSrc });
    raid.push(
      obj(mirrorSrc, [["devices", members("boot")], ["level", ostr("raid1", mirrorSrc)], ["name", ostr("md-boot", mirrorSrc)], ["options", { kind: "arr", items: [ostr("--metadata=1.0", mirrorSrc)], src: mirrorSrc }]]),
      obj(mirrorSrc, [["devices", members("root")], ["level", ostr("raid1", mirrorSrc)], ["name", ostr("md-root", mirrorSrc)]]),
    );
    filesystems.push(filesystem("/dev/md/md-boot", "ext4", "boot", mirrorSrc));
  }

  const luksList: ONode[] = [];
  if (wantLuks && luks !== undefined) luksList.push(renderLuks(luks, layout, wantMirror, emitter));
  filesystems.push(filesystem(wantLuks ? "/dev/mapper/root" : "/dev/md/md-root", "xfs", "root", ["boot_device"]));

  const storage = objOf(["boot_device"], [
    ["disks", list(disks, [...mirrorSrc, "devices"])],
    ["filesystems", list(filesystems, ["boot_device"])],
    ["luks", list(luksList, ["boot_device", "luks"])],
    ["raid", list(raid, mirrorSrc)],
  ]);
  return obj(["boot_device"], [["storage", storage]]);
}

function renderLuks(luks: DStruct, layout: string, mirrored: boolean, emitter: Emitter): OObject {
  const src = luks.path;
  const device = getStr(luks, "device") ?? "";
  let luksDevice = "/dev/disk/by-partlabel/root";
  if (layout === "s390x-eckd") luksDevice = `${device}2`;
  else if (layout === "s390x-zfcp") luksDevice = `${device}4`;
  else if (mirrored) luksDevice = "/dev/md/md-root";
  const cexOn = getBool(getStruct(luks, "cex"), "enabled") === true;
  const discard = luks.fields.get("discard");
  let clevis: ONode | undefined;
  if (!cexOn) {
    const tang = structsOf(getList(luks, "tang")).map((t) => emitter.struct(t.def, t, t.path).node);
    const threshold = luks.fields.get("threshold");
    const tpm2 = luks.fields.get("tpm2");
    const c = objOf(src, [
      ["tang", list(tang, [...src, "tang"])],
      ["threshold", threshold?.kind === "int" ? int(threshold.v, threshold.path) : undefined],
      ["tpm2", tpm2?.kind === "bool" ? { kind: "bool", v: tpm2.v, src: tpm2.path } : undefined],
    ]);
    clevis = c.fields.length > 0 ? c : undefined;
  }
  return objOf(src, [
    ["cex", cexOn ? obj(src, [["enabled", yes(src)]]) : undefined],
    ["clevis", clevis],
    ["device", ostr(luksDevice, src)],
    ["discard", discard?.kind === "bool" ? { kind: "bool", v: discard.v, src: discard.path } : undefined],
    ["label", ostr("luks-root", src)],
    ["name", ostr("root", src)],
    ["wipeVolume", yes(src)],
  ]);
}

/** grub.users: a /boot filesystem entry and a user.cfg with superusers and PBKDF2 hashes. */
export function renderGrub(root: DStruct): OObject | undefined {
  const users = structsOf(getList(getStruct(root, "grub"), "users"));
  if (users.length === 0) return undefined;
  const src: YPath = ["grub", "users"];
  const names = users.map((u) => getStr(u, "name") ?? "");
  const commands = users.map((u) => `password_pbkdf2 ${getStr(u, "name") ?? ""} ${getStr(u, "password_hash") ?? ""}`);
  const cfg = `# Generated by Butane\n\nset superusers="${names.join(" ")}"\n${commands.join("\n")}\n`;
  // config/fcos/v1_5+/translate.go: MakeDataURL(userCfgContent, nil, !NoResourceAutoCompression).
  const url = makeDataUrl(cfg, undefined, true);
  const append = obj(src, [["compression", ostr(url.compression ?? "", src)], ["source", ostr(url.source, src)]]);
  const file = obj(src, [["path", ostr("/boot/grub2/user.cfg", src)], ["append", { kind: "arr", items: [append], src }]]);
  const fs = obj(src, [["device", ostr("/dev/disk/by-label/boot", src)], ["format", ostr("ext4", src)], ["path", ostr("/boot", src)]]);
  return obj(src, [["storage", obj(src, [["files", { kind: "arr", items: [file], src }], ["filesystems", { kind: "arr", items: [fs], src }]])]]);
}
