// The decoded config, as a superset of every supported spec version. decode.ts
// fills non-pointer Go fields with zero values, so those are required here;
// pointer fields stay optional (undefined = nil). Fields a version lacks are
// simply never set.

export interface Verification {
  hash?: string;
}

export interface HttpHeader {
  name: string;
  value?: string;
}

/** Resource (3.1+), or 3.0's ConfigReference / CaReference / FileContents. */
export interface Resource {
  compression?: string;
  httpHeaders?: HttpHeader[];
  source?: string;
  verification: Verification;
}

export interface Proxy {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string[];
}

export interface Ignition {
  config: { merge: Resource[]; replace: Resource };
  proxy?: Proxy;
  security: { tls: { certificateAuthorities: Resource[] } };
  timeouts: { httpResponseHeaders?: bigint; httpTotal?: bigint };
  version: string;
}

export interface NodeOwner {
  id?: bigint;
  name?: string;
}

export interface Node {
  group: NodeOwner;
  overwrite?: boolean;
  path: string;
  user: NodeOwner;
}

export interface Directory extends Node {
  mode?: bigint;
}

export interface File extends Node {
  append: Resource[];
  contents: Resource;
  mode?: bigint;
}

export interface Link extends Node {
  hard?: boolean;
  target?: string;
}

export interface Partition {
  guid?: string;
  label?: string;
  number: bigint;
  resize?: boolean;
  shouldExist?: boolean;
  sizeMiB?: bigint;
  startMiB?: bigint;
  typeGuid?: string;
  wipePartitionEntry?: boolean;
}

export interface Disk {
  device: string;
  partitions: Partition[];
  wipeTable?: boolean;
}

export interface Filesystem {
  device: string;
  format?: string;
  label?: string;
  mountOptions?: string[];
  options: string[];
  path?: string;
  uuid?: string;
  wipeFilesystem?: boolean;
}

export interface Raid {
  devices: string[];
  level?: string;
  name: string;
  options: string[];
  spares?: bigint;
}

export interface Tang {
  advertisement?: string;
  thumbprint?: string;
  url: string;
}

export interface ClevisCustom {
  config?: string;
  needsNetwork?: boolean;
  pin?: string;
}

export interface Clevis {
  custom?: ClevisCustom;
  tang: Tang[];
  threshold?: bigint;
  tpm2?: boolean;
}

export interface Luks {
  cex?: { enabled?: boolean };
  clevis?: Clevis;
  device?: string;
  discard?: boolean;
  keyFile: Resource;
  label?: string;
  name: string;
  openOptions?: string[];
  options: string[];
  uuid?: string;
  wipeVolume?: boolean;
}

export interface Storage {
  directories: Directory[];
  disks: Disk[];
  files: File[];
  filesystems: Filesystem[];
  links: Link[];
  luks?: Luks[];
  raid: Raid[];
}

export interface Dropin {
  contents?: string;
  name: string;
}

export interface Unit {
  contents?: string;
  dropins: Dropin[];
  enabled?: boolean;
  mask?: boolean;
  name: string;
}

export interface Config {
  ignition: Ignition;
  kernelArguments?: { shouldExist: string[]; shouldNotExist: string[] };
  passwd: { groups: Array<{ name: string }>; users: Array<{ name: string }> };
  storage: Storage;
  systemd: { units: Unit[] };
}
