// Rules for storage: files, directories, links, disks, partitions,
// filesystems and RAID arrays (config/v3_N/types/{node,file,storage,disk,...}.go).

import type { PathSegment } from "./decode";
import { clean, isAbs, join, validatePath, validatePathNilOk } from "./go-path";
import { utf8Length } from "./json-ast";
import type { RuleContext } from "./rule-context";
import { validateResource } from "./rules-ignition";
import { validateLuks } from "./rules-luks";
import type { Disk, Filesystem, Link, Node, NodeOwner, Partition, Raid, Storage } from "./types";

const SPECIAL_BITS_WARNING = "setuid/setgid/sticky bits are not supported in spec versions older than 3.6.0";

function validateMode(mode: bigint | undefined, path: PathSegment[], ctx: RuleContext): void {
  if (mode === undefined) return;
  if (mode < 0n || mode > 0o7777n) ctx.report.error(path, "illegal file mode");
  // Two's complement, like Go's uint32(*m) & 07000.
  if (!ctx.features.specialModeBits && (mode & 0o7000n) !== 0n) ctx.report.warn(path, SPECIAL_BITS_WARNING);
}

function validateOwner(owner: NodeOwner, path: PathSegment[], ctx: RuleContext): void {
  if (owner.id !== undefined && owner.name !== undefined && owner.name !== "") ctx.report.error(path, "cannot set both id and name");
}

function validateNode(node: Node, path: PathSegment[], ctx: RuleContext): void {
  ctx.report.error([...path, "path"], validatePath(node.path));
  validateOwner(node.user, [...path, "user"], ctx);
  validateOwner(node.group, [...path, "group"], ctx);
}

function validateNodes(s: Storage, ctx: RuleContext): void {
  const { report } = ctx;
  s.files.forEach((f, i) => {
    const path: PathSegment[] = ["storage", "files", i];
    validateNode(f, path, ctx);
    validateMode(f.mode, [...path, "mode"], ctx);
    if (f.overwrite === true && f.contents.source === undefined) {
      report.error([...path, "overwrite"], "overwrite must be false if source is unspecified");
    }
    validateResource(f.contents, [...path, "contents"], "file", ctx);
    f.append.forEach((a, j) => validateResource(a, [...path, "append", j], "file", ctx));
  });
  s.directories.forEach((d, i) => {
    validateNode(d, ["storage", "directories", i], ctx);
    validateMode(d.mode, ["storage", "directories", i, "mode"], ctx);
  });
  s.links.forEach((l, i) => validateNode(l, ["storage", "links", i], ctx));

  const under = (p: string, l: Link): boolean => p.startsWith(`${l.path}/`);
  s.directories.forEach((d, i) => {
    for (const l of s.links) if (under(d.path, l)) report.error(["storage", "directories", i], "directory path includes link in config");
  });
  s.files.forEach((f, i) => {
    for (const l of s.links) if (under(f.path, l)) report.error(["storage", "files", i], "file path includes link in config");
  });
  s.links.forEach((l, i) => validateLink(l, i, s, ctx));
}

function validateLink(l: Link, i: number, s: Storage, ctx: RuleContext): void {
  const { report, features } = ctx;
  const path: PathSegment[] = ["storage", "links", i];
  for (const other of s.links) if (l.path.startsWith(`${other.path}/`)) report.error(path, "link path includes link in config");
  if (features.v33 && (l.target === undefined || l.target === "")) {
    report.error([...path, "target"], "link target is required");
    return;
  }
  if (l.hard !== true) return;
  const raw = l.target ?? "";
  // Ignition resolves a relative hard link target against the link path itself.
  const target = isAbs(clean(raw)) ? clean(raw) : join(l.path, raw);
  for (const d of s.directories) if (target === d.path) report.error(path, "hard link target is a directory");
  if (!features.v34) return;
  const ownerFields: Array<[NodeOwner, string, "id" | "name"]> = [
    [l.user, "user", "id"],
    [l.user, "user", "name"],
    [l.group, "group", "id"],
    [l.group, "group", "name"],
  ];
  for (const [owner, key, field] of ownerFields) {
    if (owner[field] !== undefined) report.warn([...path, key, field], "user/group ignored for hard link");
  }
}

const GUID = /^(|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

function validatePartition(p: Partition, path: PathSegment[], ctx: RuleContext): void {
  const { report } = ctx;
  const notEmpty = (v: string | undefined): boolean => v !== undefined && v !== "";
  if (p.shouldExist === false && (p.label !== undefined || notEmpty(p.typeGuid) || notEmpty(p.guid) || p.startMiB !== undefined || p.sizeMiB !== undefined)) {
    report.error(path, "shouldExist specified false with other options also specified");
  }
  if (p.number === 0n && p.label === undefined) report.error(path, "a partition number >= 1 or a label must be specified");
  if (p.label !== undefined) {
    if (utf8Length(p.label) > 36) report.error([...path, "label"], "partition labels may not exceed 36 characters");
    else if (p.label.includes(":")) report.error([...path, "label"], "partition label will be truncated to text before the colon");
  }
  for (const key of ["guid", "typeGuid"] as const) {
    const guid = p[key];
    if (guid !== undefined && !GUID.test(guid)) report.error([...path, key], 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"');
  }
}

function partitionEnd(p: Partition, start: bigint, size: bigint): bigint {
  return size === 0n ? start : start + size - 1n;
}

function overlappingPartition(parts: Partition[]): number | undefined {
  for (const [pi, p] of parts.entries()) {
    if (p.startMiB === undefined || p.sizeMiB === undefined || p.startMiB === 0n) continue;
    const pEnd = partitionEnd(p, p.startMiB, p.sizeMiB);
    for (const [oi, o] of parts.entries()) {
      if (o.startMiB === undefined || o.sizeMiB === undefined || oi === pi || o.startMiB === 0n) continue;
      const oEnd = partitionEnd(o, o.startMiB, o.sizeMiB);
      if (p.startMiB >= o.startMiB && p.startMiB <= oEnd) return oi;
      if (pEnd >= o.startMiB && pEnd <= oEnd) return oi;
      if (p.startMiB < o.startMiB && pEnd > oEnd) return oi;
    }
  }
  return undefined;
}

function validateDisk(d: Disk, i: number, ctx: RuleContext): void {
  const { report } = ctx;
  const path: PathSegment[] = ["storage", "disks", i];
  d.partitions.forEach((p, j) => validatePartition(p, [...path, "partitions", j], ctx));
  if (d.device === "") {
    report.error([...path, "device"], "disk device is required");
    return;
  }
  report.error([...path, "device"], validatePath(d.device));

  const byNumber = new Map<bigint, number[]>();
  d.partitions.forEach((p, j) => {
    if (p.number !== 0n) byNumber.set(p.number, [...(byNumber.get(p.number) ?? []), j]);
  });
  const collision = [...byNumber.values()].find((idx) => idx.length > 1);
  if (collision?.[1] !== undefined) report.error([...path, "partitions", collision[1]], "partition numbers collide");

  const overlap = overlappingPartition(d.partitions);
  if (overlap !== undefined) report.error([...path, "partitions", overlap], "partitions overlap");

  if (d.partitions.some((p) => p.number === 0n) && d.partitions.some((p) => p.shouldExist === false)) {
    report.error([...path, "partitions"], "shouldExist is false for a partition and other partition(s) has start or size 0");
  }
  const labels = new Set<string>();
  for (const [j, p] of d.partitions.entries()) {
    if (p.label === undefined) continue;
    if (labels.has(p.label)) {
      report.error([...path, "partitions", j], "cannot use the same partition label twice");
      break;
    }
    labels.add(p.label);
  }
}

const LABEL_LIMITS: Record<string, number> = { ext4: 16, btrfs: 256, xfs: 12, swap: 15, vfat: 11 };

function validateFilesystem(f: Filesystem, i: number, s: Storage, ctx: RuleContext): void {
  const { report, features } = ctx;
  const path: PathSegment[] = ["storage", "filesystems", i];
  const notEmpty = (v: string | undefined): boolean => v !== undefined && v !== "";
  report.error([...path, "path"], validatePathNilOk(f.path));
  report.error([...path, "device"], validatePath(f.device));
  if (!notEmpty(f.format)) {
    const others = notEmpty(f.path) || notEmpty(f.label) || notEmpty(f.uuid) || f.wipeFilesystem === true || (f.mountOptions ?? []).length > 0 || f.options.length > 0;
    if (others) report.error([...path, "format"], "format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified");
  } else {
    const formats = ["ext4", "btrfs", "xfs", "swap", "vfat", ...(features.v33 ? ["none"] : [])];
    if (!formats.includes(f.format ?? "")) report.error([...path, "format"], "invalid filesystem format");
  }
  if (notEmpty(f.label)) {
    const label = f.label ?? "";
    if (!notEmpty(f.format)) report.error([...path, "label"], "filesystem must specify format if label is specified");
    else {
      const format = f.format ?? "";
      const limit = LABEL_LIMITS[format];
      if (limit !== undefined && utf8Length(label) > limit) {
        report.error([...path, "label"], `filesystem labels cannot be longer than ${limit} characters when using ${format}`);
      }
    }
  }
  if (!features.v34) return;
  const disk = s.disks.find((d) => d.device === f.device);
  if (disk === undefined) return;
  if (disk.partitions.length > 0) report.warn([...path, "device"], "filesystem overwrites partitioned device");
  else if (f.wipeFilesystem !== true && disk.wipeTable === true) {
    report.warn([...path, "device"], "device matches disk with wipeTable enabled; filesystem will be wiped");
  }
}

function validateRaid(r: Raid, i: number, ctx: RuleContext): void {
  const { report, features } = ctx;
  const path: PathSegment[] = ["storage", "raid", i];
  let levelError: string | undefined;
  if (features.v33 && (r.level === undefined || r.level === "")) levelError = "raid level is required";
  else {
    const level = r.level ?? "";
    if (["linear", "raid0", "0", "stripe"].includes(level)) {
      if (r.spares !== undefined && r.spares !== 0n) levelError = "spares unsupported for linear and raid0 arrays";
    } else if (!["raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10"].includes(level)) {
      levelError = "unrecognized raid level";
    }
  }
  report.error([...path, "level"], levelError);
  if (r.devices.length === 0) report.error([...path, "devices"], "raid devices required");
  r.devices.forEach((d, j) => report.error([...path, "devices", j], validatePath(d)));
}

export function validateStorage(s: Storage, ctx: RuleContext): void {
  validateNodes(s, ctx);
  s.disks.forEach((d, i) => validateDisk(d, i, ctx));
  s.filesystems.forEach((f, i) => validateFilesystem(f, i, s, ctx));
  s.raid.forEach((r, i) => validateRaid(r, i, ctx));
  (s.luks ?? []).forEach((l, i) => validateLuks(l, i, ctx));
}
