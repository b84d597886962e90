// Realistic valid configs for the corpus. Each case lists the spec versions it
// is generated for; the generator writes one file per version.

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Cfg = { [key: string]: Json };

export interface CorpusCase {
  readonly name: string;
  readonly kind: "valid" | "invalid";
  readonly versions: readonly string[];
  /** A config object, or raw text for files that are not valid JSON. */
  readonly build: (version: string) => Cfg | string;
}

export const V30 = "3.0.0";
export const V31 = "3.1.0";
export const V32 = "3.2.0";
export const V33 = "3.3.0";
export const ALL = [V30, V31, V32, V33];
export const FROM31 = [V31, V32, V33];
export const FROM32 = [V32, V33];

export function cfg(version: string, rest: Cfg = {}): Cfg {
  return { ignition: { version }, ...rest };
}

const SSH_KEYS = [
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0nE6cY2mZ0dO2jq3xJ0mPq8y1y8r7sQmNfH1qk9Xb ops@flotilla",
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA0Kz3P9Pp5m3Xw1tBdV8nQ4Zp deploy@ci",
];

export const SHA512_OF_BASE = createHash("sha512").update('{"ignition":{"version":"3.3.0"}}').digest("hex");
const SHA256_OF_BASE = createHash("sha256").update('{"ignition":{"version":"3.3.0"}}').digest("hex");
const GZ_MOTD = `data:;base64,${gzipSync(Buffer.from("Managed by Flotilla\n")).toString("base64")}`;

const HOSTNAME_FILE: Cfg = {
  path: "/etc/hostname",
  mode: 420,
  overwrite: true,
  contents: { source: "data:,node-01.fleet.example.com%0A" },
};

const UPDATE_CONF = "data:text/plain;charset=utf-8;base64," + Buffer.from("GROUP=stable\nSERVER=https://flotilla.example.com/v1/update/\n").toString("base64");

const NODE_EXPORTER = `[Unit]
Description=Prometheus node exporter
After=network-online.target
Wants=network-online.target

[Service]
ExecStartPre=-/usr/bin/docker rm -f node-exporter
ExecStart=/usr/bin/docker run --name node-exporter --net=host \\
  quay.io/prometheus/node-exporter:v1.8.2
Restart=always

[Install]
WantedBy=multi-user.target
`;

export const validCases: CorpusCase[] = [
  {
    name: "minimal",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v),
  },
  {
    name: "ssh-keys-and-hostname",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v, { passwd: { users: [{ name: "core", sshAuthorizedKeys: SSH_KEYS }] }, storage: { files: [HOSTNAME_FILE] } }),
  },
  {
    name: "flatcar-update-conf",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          files: [
            { path: "/etc/flatcar/update.conf", mode: 420, overwrite: true, contents: { source: UPDATE_CONF } },
            { path: "/etc/motd.d/flotilla.conf", mode: 420, append: [{ source: "data:,Managed%20by%20Flotilla%0A" }] },
          ],
        },
      }),
  },
  {
    name: "systemd-units-with-dropins",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        systemd: {
          units: [
            { name: "node-exporter.service", enabled: true, contents: NODE_EXPORTER },
            { name: "locksmithd.service", mask: true },
            { name: "update-engine.service", dropins: [{ name: "10-proxy.conf", contents: "[Service]\nEnvironment=ALL_PROXY=http://proxy.example.com:3128\n" }] },
            { name: "docker.socket", enabled: true },
            { name: "var-lib-data.mount", enabled: true, contents: "[Mount]\nWhat=/dev/disk/by-label/data\nWhere=/var/lib/data\nType=ext4\n\n[Install]\nRequiredBy=local-fs.target\n" },
          ],
        },
      }),
  },
  {
    name: "users-and-groups",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        passwd: {
          users: [
            { name: "core", sshAuthorizedKeys: SSH_KEYS, groups: ["sudo", "docker"] },
            { name: "flotilla", uid: 1500, gecos: "Flotilla agent", homeDir: "/var/lib/flotilla", noCreateHome: false, primaryGroup: "flotilla", shell: "/sbin/nologin", system: true },
            { name: "backup", passwordHash: "$6$rounds=4096$saltsalt$2Zr0Vp9Bf3fV2kQ1", noUserGroup: true, noLogInit: true },
          ],
          groups: [{ name: "flotilla", gid: 1500, system: true }, { name: "operators" }],
        },
      }),
  },
  {
    name: "directories-and-links",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          directories: [
            { path: "/var/lib/flotilla", mode: 448, user: { name: "flotilla" }, group: { name: "flotilla" } },
            { path: "/opt/bin", mode: 493 },
          ],
          links: [
            { path: "/etc/localtime", target: "/usr/share/zoneinfo/Europe/Berlin", overwrite: true },
            { path: "/opt/bin/kubectl", target: "/opt/kubernetes/bin/kubectl", user: { id: 0 }, group: { id: 0 } },
            { path: "/etc/flotilla.conf", target: "/var/lib/flotilla/agent.conf", hard: true },
          ],
        },
      }),
  },
  {
    name: "disks-partitions-filesystems",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          disks: [
            {
              device: "/dev/disk/by-id/virtio-data",
              wipeTable: true,
              partitions: [
                { number: 1, label: "data", sizeMiB: 10240, startMiB: 0, typeGuid: "0FC63DAF-8483-4772-8E79-3D69D8477DE4" },
                { number: 2, label: "scratch", sizeMiB: 0, guid: "8a6f2b54-3f4e-4d8b-9c1e-2a7d5b6c9e01" },
              ],
            },
          ],
          filesystems: [
            { device: "/dev/disk/by-partlabel/data", format: "ext4", label: "data", path: "/var/lib/data", wipeFilesystem: true, options: ["-E", "lazy_itable_init=0"] },
            { device: "/dev/disk/by-partlabel/scratch", format: "xfs", label: "scratch", uuid: "0b7f1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d" },
          ],
        },
      }),
  },
  {
    name: "raid-mirror",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          disks: [
            { device: "/dev/vdb", wipeTable: true, partitions: [{ label: "raid.1.1", number: 1, sizeMiB: 1024 }] },
            { device: "/dev/vdc", wipeTable: true, partitions: [{ label: "raid.1.2", number: 1, sizeMiB: 1024 }] },
          ],
          raid: [{ name: "data", level: "raid1", devices: ["/dev/disk/by-partlabel/raid.1.1", "/dev/disk/by-partlabel/raid.1.2"], spares: 0, options: ["--metadata=1.2"] }],
          filesystems: [{ device: "/dev/md/data", format: "btrfs", label: "DATA", path: "/var/lib/data" }],
        },
      }),
  },
  {
    name: "raid-levels",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          raid: [
            { name: "r0", level: "stripe", devices: ["/dev/vdb", "/dev/vdc"] },
            { name: "r5", level: "raid5", devices: ["/dev/vdd", "/dev/vde", "/dev/vdf"], spares: 1 },
            { name: "r10", level: "10", devices: ["/dev/vdg", "/dev/vdh", "/dev/vdi", "/dev/vdj"] },
            { name: "lin", level: "linear", devices: ["/dev/vdk"] },
          ],
        },
      }),
  },
  {
    name: "merge-with-sha512",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        ignition: {
          version: v,
          config: { merge: [{ source: "https://flotilla.example.com/ignition/base.ign", verification: { hash: `sha512-${SHA512_OF_BASE}` } }] },
          timeouts: { httpResponseHeaders: 20, httpTotal: 600 },
          security: { tls: { certificateAuthorities: [{ source: "https://flotilla.example.com/ca.pem" }] } },
        },
      }),
  },
  {
    name: "replace-from-tftp",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v, { ignition: { version: v, config: { replace: { source: "tftp://10.0.0.1/configs/node.ign" } } } }),
  },
  {
    name: "s3-source",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v, { storage: { files: [{ path: "/etc/motd", contents: { source: "s3://fleet-bucket/motd?versionId=3HL4kqtJlcpXroDTDmJ" } }] } }),
  },
  {
    name: "gzip-contents",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v, { storage: { files: [{ path: "/etc/motd", mode: 420, contents: { compression: "gzip", source: GZ_MOTD } }] } }),
  },
  {
    name: "merge-with-sha256-and-headers",
    kind: "valid",
    versions: [...FROM31],
    build: (v) =>
      cfg(v, {
        ignition: {
          version: v,
          config: {
            merge: [
              {
                source: "https://flotilla.example.com/ignition/base.ign",
                httpHeaders: [{ name: "Authorization", value: "Bearer fleet-token" }, { name: "X-Fleet", value: "edge" }],
                verification: { hash: `sha256-${SHA256_OF_BASE}` },
              },
            ],
          },
        },
      }),
  },
  {
    name: "proxy-and-mount-options",
    kind: "valid",
    versions: [...FROM31],
    build: (v) =>
      cfg(v, {
        ignition: { version: v, proxy: { httpProxy: "http://proxy.example.com:3128", httpsProxy: "https://proxy.example.com:3129", noProxy: ["localhost", "10.0.0.0/8"] } },
        storage: { filesystems: [{ device: "/dev/vdb", format: "ext4", path: "/var/log", mountOptions: ["noatime", "nodev"] }] },
      }),
  },
  {
    name: "luks-tang-tpm2",
    kind: "valid",
    versions: [...FROM32],
    build: (v) =>
      cfg(v, {
        storage: {
          luks: [
            {
              name: "data",
              device: "/dev/disk/by-partlabel/data",
              label: "luks-data",
              wipeVolume: true,
              options: ["--cipher", "aes-cbc-essiv:sha256"],
              clevis: { tpm2: true, tang: [{ url: "https://tang.example.com", thumbprint: "r0Ltz7P8gCq1Sg9uFQyqkG1O1jk" }], threshold: 2 },
            },
          ],
          filesystems: [{ device: "/dev/mapper/data", format: "xfs", path: "/var/lib/data", label: "data" }],
        },
      }),
  },
  {
    name: "luks-custom-clevis",
    kind: "valid",
    versions: [...FROM32],
    build: (v) =>
      cfg(v, {
        storage: { luks: [{ name: "root", device: "/dev/vda4", clevis: { custom: { pin: "tpm2", config: '{"pcr_ids":"7"}', needsNetwork: false } } }] },
      }),
  },
  {
    name: "partition-resize-and-should-exist",
    kind: "valid",
    versions: [...FROM32],
    build: (v) =>
      cfg(v, {
        storage: { disks: [{ device: "/dev/vda", partitions: [{ number: 4, label: "root", resize: true, sizeMiB: 8192 }, { number: 9, shouldExist: false }] }] },
        passwd: { users: [{ name: "legacy", shouldExist: false }], groups: [{ name: "games", shouldExist: false }] },
      }),
  },
  {
    name: "gs-source",
    kind: "valid",
    versions: [...FROM32],
    build: (v) => cfg(v, { storage: { files: [{ path: "/etc/fleet/secret", mode: 384, contents: { source: "gs://fleet-bucket/secret" } }] } }),
  },
  {
    name: "kernel-arguments",
    kind: "valid",
    versions: [V33],
    build: (v) => cfg(v, { kernelArguments: { shouldExist: ["console=ttyS0,115200n8", "flatcar.autologin"], shouldNotExist: ["quiet"] } }),
  },
  {
    name: "swap-and-format-none",
    kind: "valid",
    versions: [V33],
    build: (v) =>
      cfg(v, {
        storage: {
          filesystems: [
            { device: "/dev/vdc", format: "swap", label: "swap0" },
            { device: "/dev/vdd", format: "none", wipeFilesystem: true },
            { device: "/dev/vde", format: "vfat", label: "EFI" },
          ],
        },
      }),
  },
  {
    name: "enabled-unit-without-install",
    kind: "valid",
    versions: [...ALL],
    build: (v) => cfg(v, { systemd: { units: [{ name: "oneshot.service", enabled: true, contents: "[Unit]\nDescription=No install section\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n" }] } }),
  },
  {
    name: "unknown-keys-warn",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        ignition: { version: v, verison: "typo" },
        storage: { files: [{ path: "/etc/issue", contnets: { source: "data:,hi" } }] },
        systemd: { units: [{ name: "a.service", Enabled: true }] },
        extra: { anything: [1, 2] },
      }),
  },
  {
    name: "newer-keys-warn",
    kind: "valid",
    versions: [V30, V31, V32],
    build: (v) =>
      cfg(v, {
        kernelArguments: { shouldExist: ["quiet"] },
        storage: { filesystems: [{ device: "/dev/vdb", format: "ext4", mountOptions: ["noatime"] }], luks: [{ name: "x", device: "/dev/vdc" }] },
      }),
  },
  {
    name: "special-mode-bits-warn",
    kind: "valid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          files: [{ path: "/usr/local/bin/helper", mode: 2541, contents: { source: "https://flotilla.example.com/helper" } }],
          directories: [{ path: "/srv/shared", mode: 1023 }],
        },
      }),
  },
  {
    name: "insecure-https-proxy-warn",
    kind: "valid",
    versions: [...FROM31],
    build: (v) => cfg(v, { ignition: { version: v, proxy: { httpsProxy: "http://proxy.example.com:3128" } } }),
  },
  {
    name: "null-sections-warn",
    kind: "valid",
    versions: [V31, V33],
    build: (v) => cfg(v, { storage: null, passwd: { users: null }, systemd: { units: [{ name: "a.service", contents: null }] } }),
  },
  {
    name: "case-insensitive-keys",
    kind: "valid",
    versions: [V32, V33],
    build: (v) => cfg(v, { Storage: { Files: [{ Path: "/etc/issue", Contents: { Source: "data:,hello" } }] } }),
  },
];
