// Configs where Flotilla deliberately answers differently from ignition-validate
// 2.14: rules upstream added later, and spec versions 2.14 does not know (or
// only knows as 3.4.0-experimental). The differential test asserts Flotilla's
// answer for these instead of the oracle's.

import { ALL, cfg, type CorpusCase } from "./cases-valid";

const V34X = "3.4.0-experimental";
const V34 = "3.4.0";
const V35 = "3.5.0";
const V36 = "3.6.0";
const V37X = "3.7.0-experimental";

export const stricterCases: CorpusCase[] = [
  {
    name: "systemd-path-conflict",
    kind: "invalid",
    versions: [...ALL],
    build: (v) =>
      cfg(v, {
        storage: {
          files: [{ path: "/etc/systemd/system/app.service", contents: { source: "data:,%5BService%5D" } }],
          directories: [{ path: "/etc/systemd/system/app.service.d/10-env.conf" }],
        },
        systemd: {
          units: [{ name: "app.service", contents: "[Service]\nExecStart=/usr/bin/app\n", dropins: [{ name: "10-env.conf", contents: "[Service]\nEnvironment=A=1\n" }] }],
        },
      }),
  },
  { name: "minimal", kind: "invalid", versions: [V34X], build: (v) => cfg(v) },
  {
    name: "arn-source",
    kind: "invalid",
    versions: [V34X],
    build: (v) => cfg(v, { storage: { files: [{ path: "/etc/motd", contents: { source: "arn:aws:s3:::fleet-bucket/motd" } }] } }),
  },
];

export const newerSpecCases: CorpusCase[] = [
  { name: "minimal", kind: "valid", versions: [V34, V35, V36, V37X], build: (v) => cfg(v) },
  {
    name: "luks-discard-open-options-advertisement",
    kind: "valid",
    versions: [V34, V35, V36],
    build: (v) =>
      cfg(v, {
        storage: {
          luks: [
            {
              name: "data",
              device: "/dev/vdb",
              discard: true,
              openOptions: ["--perf-no_read_workqueue"],
              clevis: { tang: [{ url: "https://tang.example.com", thumbprint: "abc", advertisement: '{"payload":"e30","signatures":[]}' }] },
            },
          ],
          files: [{ path: "/etc/motd", contents: { source: "arn:aws:s3:us-east-1:123456789012:accesspoint/fleet/object/motd" } }],
        },
      }),
  },
  {
    name: "tang-advertisement-not-json",
    kind: "invalid",
    versions: [V34],
    build: (v) => cfg(v, { storage: { luks: [{ name: "data", device: "/dev/vdb", clevis: { tang: [{ url: "https://t", thumbprint: "x", advertisement: "{nope" }] } }] } }),
  },
  {
    name: "arn-not-s3",
    kind: "invalid",
    versions: [V34],
    build: (v) => cfg(v, { storage: { files: [{ path: "/etc/motd", contents: { source: "arn:aws:sqs:us-east-1:123456789012:queue" } }] } }),
  },
  {
    name: "hard-link-owner-and-fs-warnings",
    kind: "valid",
    versions: [V34],
    build: (v) =>
      cfg(v, {
        storage: {
          links: [{ path: "/etc/l", target: "/etc/target", hard: true, user: { id: 0 } }],
          disks: [{ device: "/dev/vdb", partitions: [{ number: 1, label: "data" }] }, { device: "/dev/vdc", wipeTable: true }],
          filesystems: [
            { device: "/dev/vdb", format: "ext4" },
            { device: "/dev/vdc", format: "xfs" },
          ],
        },
      }),
  },
  {
    name: "cex",
    kind: "valid",
    versions: [V35, V36],
    build: (v) => cfg(v, { storage: { luks: [{ name: "root", device: "/dev/disk/by-partlabel/root", cex: { enabled: true } }] } }),
  },
  {
    name: "cex-with-clevis",
    kind: "invalid",
    versions: [V35],
    build: (v) => cfg(v, { storage: { luks: [{ name: "root", device: "/dev/dasda", cex: { enabled: true }, clevis: { tpm2: true } }] } }),
  },
  {
    name: "special-mode-bits",
    kind: "valid",
    versions: [V35, V36],
    build: (v) => cfg(v, { storage: { files: [{ path: "/usr/local/bin/helper", mode: 3565, contents: { source: "https://example.com/helper" } }] } }),
  },
];
