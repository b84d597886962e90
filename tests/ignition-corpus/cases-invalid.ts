// Invalid configs for the corpus: at least one per rule in
// shared/docs/ignition.md, for every spec version the rule applies to.

import { ALL, cfg, FROM31, FROM32, SHA512_OF_BASE, V30, V31, V32, V33, type Cfg, type CorpusCase } from "./cases-valid";

function inv(name: string, versions: readonly string[], build: (v: string) => Cfg | string): CorpusCase {
  return { name, kind: "invalid", versions, build };
}

const storage = (v: string, s: Cfg): Cfg => cfg(v, { storage: s });
const file = (path: string, extra: Cfg = {}): Cfg => ({ path, ...extra });
const src = (source: string, extra: Cfg = {}): Cfg => ({ path: "/etc/x", contents: { source, ...extra } });

export const invalidCases: CorpusCase[] = [
  // JSON and version
  inv("syntax-trailing-comma", [V33], (v) => `{\n  "ignition": {"version": "${v}"},\n  "storage": {"files": [{"path": "/a",}]}\n}\n`),
  inv("syntax-unterminated", [V31], (v) => `{"ignition": {"version": "${v}"}, "storage": {`),
  inv("syntax-empty-file", [V33], () => ""),
  inv("syntax-bad-literal", [V32], (v) => `{"ignition": {"version": "${v}"}, "systemd": {"units": [{"name": "a.service", "enabled": tru}]}}`),
  inv("version-missing", [V33], () => ({ storage: { files: [{ path: "/a" }] } })),
  inv("version-unparseable", [V33], () => ({ ignition: { version: "3.3" } })),
  inv("version-unsupported", [V33], () => ({ ignition: { version: "3.9.0" } })),
  inv("version-spec2", [V33], () => ({ ignition: { version: "2.3.0" } })),
  inv("version-not-string", [V33], () => ({ ignition: { version: 3.3 } })),
  inv("root-not-object", [V33], () => `[{"ignition": {"version": "3.3.0"}}]`),
  // wrong JSON types
  inv("type-mode-string", ALL, (v) => storage(v, { files: [file("/a", { mode: "0644" })] })),
  inv("type-mode-float", [V33], (v) => storage(v, { files: [file("/a", { mode: 420.5 })] })),
  inv("type-path-number", [V32], (v) => storage(v, { directories: [{ path: 17 }] })),
  inv("type-files-object", [V31], (v) => storage(v, { files: { path: "/a" } })),
  inv("type-enabled-string", [V30, V33], (v) => cfg(v, { systemd: { units: [{ name: "a.service", enabled: "yes" }] } })),
  inv("type-ssh-key-number", [V33], (v) => cfg(v, { passwd: { users: [{ name: "core", sshAuthorizedKeys: [42] }] } })),
  inv("type-storage-array", [V30], (v) => cfg(v, { storage: [] })),
  // duplicates
  inv("dup-file-paths", ALL, (v) => storage(v, { files: [file("/etc/a"), file("/etc/a")] })),
  inv("dup-node-across-kinds", ALL, (v) => storage(v, { directories: [file("/srv/x")], files: [file("/srv/x")], links: [{ path: "/srv/x", target: "/tmp" }] })),
  inv("dup-units-and-dropins", ALL, (v) =>
    cfg(v, { systemd: { units: [{ name: "a.service", dropins: [{ name: "10.conf" }, { name: "10.conf" }] }, { name: "a.service" }] } }),
  ),
  inv("dup-users-groups", ALL, (v) => cfg(v, { passwd: { users: [{ name: "core" }, { name: "core" }], groups: [{ name: "g" }, { name: "g" }] } })),
  inv("dup-ssh-keys-and-user-groups", ALL, (v) =>
    cfg(v, { passwd: { users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 AAAA k", "ssh-ed25519 AAAA k"], groups: ["wheel", "wheel"] }] } }),
  ),
  inv("dup-disks-filesystems", ALL, (v) =>
    storage(v, { disks: [{ device: "/dev/vdb" }, { device: "/dev/vdb" }], filesystems: [{ device: "/dev/vdc", format: "ext4" }, { device: "/dev/vdc", format: "xfs" }] }),
  ),
  inv("dup-raid-and-devices", ALL, (v) =>
    storage(v, { raid: [{ name: "md", level: "raid1", devices: ["/dev/vdb", "/dev/vdb"] }, { name: "md", level: "raid1", devices: ["/dev/vdc"] }] }),
  ),
  inv("dup-luks", FROM32, (v) => storage(v, { luks: [{ name: "data", device: "/dev/vdb" }, { name: "data", device: "/dev/vdc" }] })),
  inv("dup-partitions", ALL, (v) =>
    storage(v, { disks: [{ device: "/dev/vdb", partitions: [{ number: 1, label: "a" }, { number: 1, label: "b" }, { label: "c" }, { label: "c" }] }] }),
  ),
  inv("dup-merge-and-ca", ALL, (v) =>
    cfg(v, {
      ignition: {
        version: v,
        config: { merge: [{ source: "https://a.example.com/x.ign" }, { source: "https://a.example.com/x.ign" }] },
        security: { tls: { certificateAuthorities: [{ source: "https://a.example.com/ca.pem" }, { source: "https://a.example.com/ca.pem" }] } },
      },
    }),
  ),
  inv("dup-http-headers", FROM31, (v) => storage(v, { files: [src("https://a.example.com/x", { httpHeaders: [{ name: "A", value: "1" }, { name: "A", value: "2" }] })] })),
  inv("dup-no-proxy", FROM31, (v) => cfg(v, { ignition: { version: v, proxy: { httpsProxy: "https://p.example.com", noProxy: ["a", "a"] } } })),
  inv("dup-kernel-arguments", [V33], (v) => cfg(v, { kernelArguments: { shouldExist: ["quiet", "nosmt"], shouldNotExist: ["quiet"] } })),
  // paths
  inv("path-empty", ALL, (v) => storage(v, { files: [file("")] })),
  inv("path-relative", ALL, (v) => storage(v, { files: [file("etc/hosts")], directories: [file("var/x")], links: [{ path: "l", target: "/t" }] })),
  inv("path-double-slash", ALL, (v) => storage(v, { files: [file("/etc//hosts")] })),
  inv("path-dot-segments", ALL, (v) => storage(v, { directories: [file("/var/./lib")], links: [{ path: "/etc/../l", target: "/t" }] })),
  inv("path-trailing-slash", ALL, (v) => storage(v, { directories: [file("/var/lib/")] })),
  inv("fs-device-and-path-dirty", ALL, (v) => storage(v, { filesystems: [{ device: "dev/vdb", format: "ext4", path: "/var//log" }, { device: "", format: "xfs" }] })),
  inv("disk-device-invalid", ALL, (v) => storage(v, { disks: [{ device: "" }, { device: "/dev/vdb/" }] })),
  inv("luks-device-invalid", FROM32, (v) => storage(v, { luks: [{ name: "a" }, { name: "b", device: "dev/vdb" }] })),
  // mode, overwrite, owners
  inv("mode-too-large", ALL, (v) => storage(v, { files: [file("/a", { mode: 4096 + 4095 + 1 })], directories: [file("/d", { mode: -1 })] })),
  inv("overwrite-without-source", ALL, (v) => storage(v, { files: [file("/a", { overwrite: true })] })),
  inv("owner-id-and-name", ALL, (v) =>
    storage(v, { files: [file("/a", { user: { id: 0, name: "root" } })], directories: [file("/d", { group: { id: 10, name: "wheel" } })] }),
  ),
  // links
  inv("node-under-link", ALL, (v) =>
    storage(v, { links: [{ path: "/opt/app", target: "/srv/app" }, { path: "/opt/app/bin", target: "/x" }], files: [file("/opt/app/config")], directories: [file("/opt/app/data")] }),
  ),
  inv("link-target-missing", [V33], (v) => storage(v, { links: [{ path: "/etc/l" }, { path: "/etc/m", target: "" }] })),
  inv("hard-link-to-directory", ALL, (v) => storage(v, { directories: [file("/srv/data")], links: [{ path: "/srv/l", target: "/srv/data", hard: true }] })),
  // URLs
  inv("url-bad-scheme", ALL, (v) => storage(v, { files: [src("ftp://mirror.example.com/x"), src("file:///etc/passwd"), src("relative/path")] })),
  inv("url-gs-before-3.2", [V30, V31], (v) => storage(v, { files: [src("gs://bucket/object")] })),
  inv("url-unparseable", ALL, (v) => storage(v, { files: [src("http://[::1"), src("https://host:port/x"), src("http://a b.example.com/")] })),
  inv("url-s3-empty-version", ALL, (v) => storage(v, { files: [src("s3://bucket/key?versionId=")] })),
  inv("url-arn-before-3.4", [V33], (v) => storage(v, { files: [src("arn:aws:s3:::bucket/key")] })),
  inv("data-url-space", ALL, (v) => storage(v, { files: [src("data:,hello world")] })),
  inv("data-url-bad-base64", ALL, (v) => storage(v, { files: [src("data:;base64,aGVsbG8"), src("data:;base64,a===")] })),
  inv("data-url-bad-escape", ALL, (v) => storage(v, { files: [src("data:,100%"), src("data:,%zz")] })),
  inv("data-url-bad-media-type", ALL, (v) => storage(v, { files: [src("data:foo/bar,x"), src("data:text,x"), src("data:text/plain;charset,x")] })),
  inv("compression-unknown", ALL, (v) => storage(v, { files: [src("data:,x", { compression: "xz" })] })),
  inv("verification-without-source", ALL, (v) => storage(v, { files: [{ path: "/a", contents: { verification: { hash: `sha512-${SHA512_OF_BASE}` } } }] })),
  inv("hash-malformed", ALL, (v) => storage(v, { files: [src("https://a.example.com/x", { verification: { hash: "sha512" } })] })),
  inv("hash-unknown-function", ALL, (v) => storage(v, { files: [src("https://a.example.com/x", { verification: { hash: "md5-d41d8cd98f00b204e9800998ecf8427e" } })] })),
  inv("hash-wrong-size", ALL, (v) => storage(v, { files: [src("https://a.example.com/x", { verification: { hash: "sha512-abc123" } })] })),
  inv("hash-sha256-in-3.0", [V30], (v) => storage(v, { files: [src("https://a.example.com/x", { verification: { hash: `sha256-${"0".repeat(64)}` } })] })),
  inv("http-headers-non-http-source", FROM31, (v) => storage(v, { files: [src("s3://bucket/key", { httpHeaders: [{ name: "A", value: "b" }] })] })),
  inv("http-headers-without-source", FROM31, (v) => storage(v, { files: [{ path: "/a", contents: { httpHeaders: [{ name: "A", value: "b" }] } }] })),
  inv("http-header-empty-name-value", FROM31, (v) => storage(v, { files: [src("https://a.example.com/x", { httpHeaders: [{ name: "", value: "" }] })] })),
  inv("merge-without-source", FROM31, (v) => cfg(v, { ignition: { version: v, config: { merge: [{ verification: { hash: `sha512-${SHA512_OF_BASE}` } }] } } })),
  inv("ca-without-source", ALL, (v) => cfg(v, { ignition: { version: v, security: { tls: { certificateAuthorities: [{ source: "" }] } } } })),
  inv("merge-bad-source", ALL, (v) => cfg(v, { ignition: { version: v, config: { merge: [{ source: "ftp://x/y.ign" }], replace: { source: "data:,{" } } } })),
  inv("proxy-not-http", FROM31, (v) => cfg(v, { ignition: { version: v, proxy: { httpProxy: "socks5://p.example.com:1080", httpsProxy: "" } } })),
  // systemd
  inv("unit-bad-extension", ALL, (v) => cfg(v, { systemd: { units: [{ name: "node-exporter" }, { name: "web.conf" }, { name: "" }] } })),
  inv("dropin-bad-extension", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", dropins: [{ name: "10-env" }, { name: "20.service" }] }] } })),
  inv("unit-contents-unterminated-section", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", contents: "[Unit\nDescription=x\n" }] } })),
  inv("unit-contents-garbage-after-section", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", contents: "[Unit] trailing\nDescription=x\n" }] } })),
  inv("unit-contents-newline-in-option", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", contents: "[Service]\nExecStart\n" }] } })),
  inv("unit-contents-eof-in-option", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", contents: "[Service]\nExecStart" }] } })),
  inv("dropin-contents-invalid", ALL, (v) => cfg(v, { systemd: { units: [{ name: "a.service", dropins: [{ name: "10.conf", contents: "[Service" }] }] } })),
  inv("unit-line-too-long", [V33], (v) => cfg(v, { systemd: { units: [{ name: "a.service", contents: `[Service]\nExecStart=/bin/echo ${"x".repeat(5000)}\n` }] } })),
  // filesystems
  inv("fs-invalid-format", ALL, (v) => storage(v, { filesystems: [{ device: "/dev/vdb", format: "zfs" }] })),
  inv("fs-format-none-before-3.3", [V30, V31, V32], (v) => storage(v, { filesystems: [{ device: "/dev/vdb", format: "none" }] })),
  inv("fs-fields-without-format", ALL, (v) =>
    storage(v, { filesystems: [{ device: "/dev/vdb", path: "/var/x" }, { device: "/dev/vdc", label: "x" }, { device: "/dev/vdd", wipeFilesystem: true }, { device: "/dev/vde", options: ["-F"] }] }),
  ),
  inv("fs-label-too-long", ALL, (v) =>
    storage(v, {
      filesystems: [
        { device: "/dev/vdb", format: "ext4", label: "a".repeat(17) },
        { device: "/dev/vdc", format: "xfs", label: "b".repeat(13) },
        { device: "/dev/vdd", format: "vfat", label: "c".repeat(12) },
        { device: "/dev/vde", format: "swap", label: "d".repeat(16) },
        { device: "/dev/vdf", format: "btrfs", label: "e".repeat(257) },
      ],
    }),
  ),
  // partitions
  inv("partition-label-rules", ALL, (v) =>
    storage(v, { disks: [{ device: "/dev/vdb", partitions: [{ number: 1, label: "x".repeat(37) }, { number: 2, label: "boot:efi" }, { number: 0 }] }] }),
  ),
  inv("partition-guids", ALL, (v) => storage(v, { disks: [{ device: "/dev/vdb", partitions: [{ number: 1, guid: "not-a-guid", typeGuid: "0FC63DAF-8483-4772-8E79-3D69D8477DE" }] }] })),
  inv("partition-should-not-exist-with-others", ALL, (v) =>
    storage(v, { disks: [{ device: "/dev/vdb", partitions: [{ number: 3, shouldExist: false, sizeMiB: 100 }, { label: "new" }] }] }),
  ),
  inv("partitions-overlap", ALL, (v) =>
    storage(v, { disks: [{ device: "/dev/vdb", partitions: [{ number: 1, startMiB: 2048, sizeMiB: 4096 }, { number: 2, startMiB: 4096, sizeMiB: 1024 }] }] }),
  ),
  // raid
  inv("raid-unknown-level", ALL, (v) => storage(v, { raid: [{ name: "md0", level: "raid7", devices: ["/dev/vdb"] }] })),
  inv("raid-spares-on-raid0", ALL, (v) => storage(v, { raid: [{ name: "md0", level: "raid0", devices: ["/dev/vdb", "/dev/vdc"], spares: 1 }, { name: "md1", level: "linear", devices: ["/dev/vdd"], spares: 2 }] })),
  inv("raid-missing-level-and-devices", ALL, (v) => storage(v, { raid: [{ name: "md0" }] })),
  // luks
  inv("luks-name-and-label", FROM32, (v) => storage(v, { luks: [{ name: "data/root", device: "/dev/vdb", label: "l".repeat(48) }] })),
  inv("luks-custom-with-tpm2", FROM32, (v) =>
    storage(v, { luks: [{ name: "data", device: "/dev/vdb", clevis: { tpm2: true, custom: { pin: "tang", config: '{"url":"https://t"}' } } }] }),
  ),
  inv("luks-custom-pin-rules", FROM32, (v) =>
    storage(v, { luks: [{ name: "a", device: "/dev/vdb", clevis: { custom: { pin: "yubikey", config: "" } } }, { name: "b", device: "/dev/vdc", clevis: { custom: { pin: "", config: "{}" } } }] }),
  ),
  inv("luks-tang-rules", FROM32, (v) =>
    storage(v, { luks: [{ name: "data", device: "/dev/vdb", clevis: { tang: [{ url: "ftp://tang.example.com" }, { url: "https://t.example.com", thumbprint: "x" }, { url: "https://t.example.com", thumbprint: "y" }] } }] }),
  ),
  inv("luks-key-file-invalid", FROM32, (v) => storage(v, { luks: [{ name: "data", device: "/dev/vdb", keyFile: { source: "ftp://keys.example.com/k" } }] })),
];
