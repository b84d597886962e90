// Per-version shape of Ignition 3.x configs, mirroring the Go structs
// (config/v3_N/types/schema.go) field by field, in Go field order.
// Pointer fields are optional (nil when absent); non-pointer fields take Go's
// zero value. The Go type names only feed error messages.

export type FieldType =
  | { readonly kind: "string"; readonly ptr: boolean; readonly goType: string }
  | { readonly kind: "int"; readonly ptr: boolean }
  | { readonly kind: "bool"; readonly ptr: boolean }
  | { readonly kind: "list"; readonly of: FieldType; readonly goType: string }
  | { readonly kind: "struct"; readonly ptr: boolean; readonly def: StructDef };

export interface StructDef {
  /** Go type name, e.g. "File". */
  readonly name: string;
  readonly fields: ReadonlyArray<readonly [string, FieldType]>;
  /** List fields whose duplicates Ignition ignores (IgnoreDuplicates). */
  readonly ignoreDups?: readonly string[];
  /** List fields sharing one duplicate key space (MergedKeys). */
  readonly mergedKeys?: Readonly<Record<string, string>>;
}

export interface SpecVersion {
  /** Canonical version string, e.g. "3.3.0". */
  readonly version: string;
  readonly minor: number;
  readonly experimental: boolean;
  readonly root: StructDef;
}

const str: FieldType = { kind: "string", ptr: false, goType: "string" };
const strPtr: FieldType = { kind: "string", ptr: true, goType: "string" };
const int: FieldType = { kind: "int", ptr: false };
const intPtr: FieldType = { kind: "int", ptr: true };
const boolPtr: FieldType = { kind: "bool", ptr: true };

function named(goName: string): FieldType {
  return { kind: "string", ptr: false, goType: `types.${goName}` };
}

function list(of: FieldType, goType?: string): FieldType {
  const elem = of.kind === "struct" ? `types.${of.def.name}` : of.kind === "string" ? of.goType : of.kind;
  return { kind: "list", of, goType: goType ?? `[]${elem}` };
}

function struct(def: StructDef, ptr = false): FieldType {
  return { kind: "struct", ptr, def };
}

type Fields = Array<readonly [string, FieldType] | false>;

function def(name: string, fields: Fields, extra: Omit<StructDef, "name" | "fields"> = {}): StructDef {
  return { name, fields: fields.filter((f): f is readonly [string, FieldType] => f !== false), ...extra };
}

function buildRoot(minor: number): StructDef {
  const since = (m: number): boolean => minor >= m;

  const verification = def("Verification", [["hash", strPtr]]);
  const header = def("HTTPHeader", [
    ["name", str],
    ["value", strPtr],
  ]);
  const resource = def("Resource", [
    ["compression", strPtr],
    ["httpHeaders", list(struct(header), "types.HTTPHeaders")],
    ["source", strPtr],
    ["verification", struct(verification)],
  ]);
  // 3.0 had three distinct resource structs instead of Resource.
  const configRef = since(1) ? resource : def("ConfigReference", [["source", strPtr], ["verification", struct(verification)]]);
  const caRef = since(1) ? resource : def("CaReference", [["source", str], ["verification", struct(verification)]]);
  const fileContents = since(1)
    ? resource
    : def("FileContents", [["compression", strPtr], ["source", strPtr], ["verification", struct(verification)]]);

  const ignition = def("Ignition", [
    ["config", struct(def("IgnitionConfig", [["merge", list(struct(configRef))], ["replace", struct(configRef)]]))],
    since(1) && [
      "proxy",
      struct(def("Proxy", [["httpProxy", strPtr], ["httpsProxy", strPtr], ["noProxy", list(named("NoProxyItem"))]])),
    ],
    ["security", struct(def("Security", [["tls", struct(def("TLS", [["certificateAuthorities", list(struct(caRef))]]))]]))],
    ["timeouts", struct(def("Timeouts", [["httpResponseHeaders", intPtr], ["httpTotal", intPtr]]))],
    ["version", str],
  ]);

  const owner = (name: string): StructDef => def(name, [["id", intPtr], ["name", strPtr]]);
  const node: Fields = [
    ["group", struct(owner("NodeGroup"))],
    ["overwrite", boolPtr],
    ["path", str],
    ["user", struct(owner("NodeUser"))],
  ];
  const directory = def("Directory", [...node, ["mode", intPtr]]);
  const file = def(
    "File",
    [...node, ["append", list(struct(fileContents))], ["contents", struct(fileContents)], ["mode", intPtr]],
    { ignoreDups: ["append"] },
  );
  const link = def("Link", [...node, ["hard", boolPtr], ["target", since(3) ? strPtr : str]]);

  const partition = def("Partition", [
    ["guid", strPtr],
    ["label", strPtr],
    ["number", int],
    since(2) && ["resize", boolPtr],
    ["shouldExist", boolPtr],
    ["sizeMiB", intPtr],
    ["startMiB", intPtr],
    ["typeGuid", strPtr],
    ["wipePartitionEntry", boolPtr],
  ]);
  const disk = def("Disk", [["device", str], ["partitions", list(struct(partition))], ["wipeTable", boolPtr]]);
  const filesystem = def(
    "Filesystem",
    [
      ["device", str],
      ["format", strPtr],
      ["label", strPtr],
      since(1) && ["mountOptions", list(named("MountOption"))],
      ["options", list(named("FilesystemOption"))],
      ["path", strPtr],
      ["uuid", strPtr],
      ["wipeFilesystem", boolPtr],
    ],
    { ignoreDups: ["options", "mountOptions"] },
  );
  const raid = def(
    "Raid",
    [
      ["devices", list(named("Device"))],
      ["level", since(3) ? strPtr : str],
      ["name", str],
      ["options", list(named("RaidOption"))],
      ["spares", intPtr],
    ],
    { ignoreDups: ["options"] },
  );

  const tang = def("Tang", [since(4) && ["advertisement", strPtr], ["thumbprint", strPtr], ["url", str]]);
  const custom = since(3)
    ? struct(def("ClevisCustom", [["config", strPtr], ["needsNetwork", boolPtr], ["pin", strPtr]]))
    : struct(def("Custom", [["config", str], ["needsNetwork", boolPtr], ["pin", str]]), true);
  const clevis = def("Clevis", [["custom", custom], ["tang", list(struct(tang))], ["threshold", intPtr], ["tpm2", boolPtr]]);
  const luks = def(
    "Luks",
    [
      since(5) && ["cex", struct(def("Cex", [["enabled", boolPtr]]))],
      ["clevis", struct(clevis, !since(3))],
      ["device", strPtr],
      since(4) && ["discard", boolPtr],
      ["keyFile", struct(resource)],
      ["label", strPtr],
      ["name", str],
      since(4) && ["openOptions", list(named("OpenOption"))],
      ["options", list(named("LuksOption"))],
      ["uuid", strPtr],
      ["wipeVolume", boolPtr],
    ],
    { ignoreDups: ["options"] },
  );

  const storage = def(
    "Storage",
    [
      ["directories", list(struct(directory))],
      ["disks", list(struct(disk))],
      ["files", list(struct(file))],
      ["filesystems", list(struct(filesystem))],
      ["links", list(struct(link))],
      since(2) && ["luks", list(struct(luks))],
      ["raid", list(struct(raid))],
    ],
    { mergedKeys: { directories: "Node", files: "Node", links: "Node" } },
  );

  const user = def("PasswdUser", [
    ["gecos", strPtr],
    ["groups", list(named("Group"))],
    ["homeDir", strPtr],
    ["name", str],
    ["noCreateHome", boolPtr],
    ["noLogInit", boolPtr],
    ["noUserGroup", boolPtr],
    ["passwordHash", strPtr],
    ["primaryGroup", strPtr],
    ["sshAuthorizedKeys", list(named("SSHAuthorizedKey"))],
    ["shell", strPtr],
    since(2) && ["shouldExist", boolPtr],
    ["system", boolPtr],
    ["uid", intPtr],
  ]);
  const group = def("PasswdGroup", [
    ["gid", intPtr],
    ["name", str],
    ["passwordHash", strPtr],
    since(2) && ["shouldExist", boolPtr],
    ["system", boolPtr],
  ]);

  const dropin = def("Dropin", [["contents", strPtr], ["name", str]]);
  const unit = def("Unit", [
    ["contents", strPtr],
    ["dropins", list(struct(dropin))],
    ["enabled", boolPtr],
    ["mask", boolPtr],
    ["name", str],
  ]);

  const kargs = def(
    "KernelArguments",
    [
      ["shouldExist", list(named("KernelArgument"))],
      ["shouldNotExist", list(named("KernelArgument"))],
    ],
    { mergedKeys: { shouldExist: "KernelArgument", shouldNotExist: "KernelArgument" } },
  );

  return def("Config", [
    ["ignition", struct(ignition)],
    since(3) && ["kernelArguments", struct(kargs)],
    ["passwd", struct(def("Passwd", [["groups", list(struct(group))], ["users", list(struct(user))]]))],
    ["storage", struct(storage)],
    ["systemd", struct(def("Systemd", [["units", list(struct(unit))]]))],
  ]);
}

const SUPPORTED: ReadonlyArray<{ version: string; minor: number; experimental: boolean }> = [
  { version: "3.0.0", minor: 0, experimental: false },
  { version: "3.1.0", minor: 1, experimental: false },
  { version: "3.2.0", minor: 2, experimental: false },
  { version: "3.3.0", minor: 3, experimental: false },
  { version: "3.4.0", minor: 4, experimental: false },
  { version: "3.5.0", minor: 5, experimental: false },
  { version: "3.6.0", minor: 6, experimental: false },
  { version: "3.7.0-experimental", minor: 7, experimental: true },
];

const cache = new Map<string, SpecVersion>();

/** The spec for a canonical version string, or undefined when Flotilla does not support it. */
export function specFor(version: string): SpecVersion | undefined {
  const known = SUPPORTED.find((s) => s.version === version);
  if (known === undefined) return undefined;
  let spec = cache.get(version);
  if (spec === undefined) {
    spec = { ...known, root: buildRoot(known.minor) };
    cache.set(version, spec);
  }
  return spec;
}

export const SUPPORTED_VERSIONS: readonly string[] = SUPPORTED.map((s) => s.version);
