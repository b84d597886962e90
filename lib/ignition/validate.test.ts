import { describe, expect, it } from "vitest";
import { validateIgnition, type IgnitionValidation } from "./validate";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function check(version: string, rest: { [key: string]: Json } = {}): IgnitionValidation {
  return validateIgnition(JSON.stringify({ ignition: { version }, ...rest }));
}

const errors = (r: IgnitionValidation): string[] => r.errors.map((e) => `${e.path}: ${e.message}`);
const warnings = (r: IgnitionValidation): string[] => r.warnings.map((e) => `${e.path}: ${e.message}`);
const files = (...f: Json[]): { [key: string]: Json } => ({ storage: { files: f } });
const src = (source: string, extra: { [key: string]: Json } = {}): Json => ({ path: "/f", contents: { source, ...extra } });
const units = (...u: Json[]): { [key: string]: Json } => ({ systemd: { units: u } });

describe("JSON and version", () => {
  it("reports syntax errors at the offending character", () => {
    const r = validateIgnition('{\n  "ignition": {"version": "3.3.0"},\n  "storage": {"files": [{"path": "/a",}]}\n}');
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([{ path: "$", line: 3, column: 39, message: "invalid character '}' looking for beginning of object key string" }]);
  });

  it.each([
    ["", "not a config (empty)"],
    ["{", "unexpected end of JSON input"],
    ['{"a": nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['{"a": 01}', "invalid character '1' after object key:value pair"],
    ['{"a": "\u0001"}', "invalid character '\\x01' in string literal"],
    ["{} x", "invalid character 'x' after top-level value"],
  ])("rejects %j", (text, message) => {
    expect(validateIgnition(text).errors.map((e) => e.message)).toEqual([message]);
  });

  it("limits nesting to Go's 10000 levels without exhausting the stack", () => {
    const nested = (n: number): string => `{"ignition": {"version": "3.3.0"}, "x": ${"[".repeat(n)}${"]".repeat(n)}}`;
    expect(validateIgnition(nested(9999)).valid).toBe(true);
    expect(validateIgnition(nested(10000)).errors.map((e) => e.message)).toEqual(["invalid character '[' exceeded max depth"]);
  });

  it("counts columns in UTF-8 bytes, like Ignition", () => {
    const r = validateIgnition('{"ignition": {"version": "3.3.0"}, "x": "ééé", "storage": {"files": [{"path": "rel"}]}}');
    expect(r.errors[0]).toMatchObject({ path: "$.storage.files.0.path", line: 1, column: 82 });
  });

  it.each([
    [{ storage: {} }, "invalid config version (couldn't parse)"],
    [{ ignition: { version: "3.3" } }, "invalid config version (couldn't parse)"],
    [{ ignition: { version: "3.9.0" } }, "unsupported config version"],
    [{ ignition: { version: "3.3.0+meta" } }, "unsupported config version"],
    [{ ignition: { version: "3.4.0-experimental" } }, "unsupported config version"],
    [{ ignition: { version: "2.3.0" } }, "unsupported config version"],
  ])("rejects version of %j", (config, message) => {
    expect(errors(validateIgnition(JSON.stringify(config)))).toEqual([`$.ignition.version: ${message}`]);
  });

  it.each(["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0-experimental", "03.3.0"])("accepts version %s", (v) => {
    const r = check(v);
    expect(r.valid).toBe(true);
    expect(r.version).toBe(v);
  });

  it("reports every value of the wrong JSON type and stops there", () => {
    const r = check("3.3.0", { storage: { files: [{ path: 1, mode: "0644" }] }, systemd: { units: [{ name: "a", enabled: "yes" }] } });
    expect(errors(r)).toEqual([
      "$.storage.files.0.path: json: cannot unmarshal number into Go struct field File.storage.files.path of type string",
      "$.storage.files.0.mode: json: cannot unmarshal string into Go struct field File.storage.files.mode of type int",
      "$.systemd.units.0.enabled: json: cannot unmarshal string into Go struct field Unit.systemd.units.enabled of type bool",
    ]);
  });

  it("rejects non-integer numbers for integer fields", () => {
    expect(errors(check("3.3.0", files({ path: "/a", mode: 1e21 })))[0]).toContain("cannot unmarshal number 1e+21");
    expect(check("3.3.0", files({ path: "/a", mode: 420.5 })).valid).toBe(false);
  });
});

describe("structure", () => {
  it("warns about unknown keys at the key", () => {
    const r = validateIgnition('{"ignition": {"version": "3.3.0"}, "bogus": 1}');
    expect(r.warnings).toEqual([{ path: "$.bogus", line: 1, column: 36, message: "Unused key bogus" }]);
  });

  it("knows which keys each spec version has", () => {
    expect(warnings(check("3.2.0", { kernelArguments: { shouldExist: ["quiet"] } }))).toEqual(["$.kernelArguments: Unused key kernelArguments"]);
    expect(warnings(check("3.0.0", { ignition: { version: "3.0.0", proxy: {} } }))).toEqual(["$.ignition.proxy: Unused key proxy"]);
    expect(warnings(check("3.1.0", { storage: { luks: [] } }))).toEqual(["$.storage.luks: Unused key luks"]);
    expect(warnings(check("3.4.0", { storage: { luks: [{ name: "a", device: "/dev/a", cex: {} }] } }))).toEqual(["$.storage.luks.0.cex: Unused key cex"]);
    expect(check("3.5.0", { storage: { luks: [{ name: "a", device: "/dev/a", cex: { enabled: true } }] } }).warnings).toEqual([]);
  });

  it("matches keys case-insensitively like Go, still warning about the spelling", () => {
    const r = check("3.3.0", { storage: { files: [{ Path: "rel" }] } });
    expect(errors(r)).toEqual(["$.storage.files.0.path: path not absolute"]);
    expect(warnings(r)).toEqual(["$.storage.files.0.Path: Unused key Path"]);
  });

  it("warns when a section is null", () => {
    expect(warnings(check("3.3.0", { storage: null }))).toEqual([
      "$.storage: context tree does not match content tree at $.storage. Line and column reporting may be inconsistent. Unused keys may not be reported.",
    ]);
  });

  it.each([
    ["files, directories and links share paths", files({ path: "/a" }), { storage: { files: [{ path: "/a" }], links: [{ path: "/a", target: "/b" }] } }, "$.storage.links.0"],
    ["units", units({ name: "a.service" }), units({ name: "a.service" }, { name: "a.service" }), "$.systemd.units.1"],
    ["dropins", units({ name: "a.service" }), units({ name: "a.service", dropins: [{ name: "a.conf" }, { name: "a.conf" }] }), "$.systemd.units.0.dropins.1"],
    ["users", {}, { passwd: { users: [{ name: "u" }, { name: "u" }] } }, "$.passwd.users.1"],
    ["ssh keys", {}, { passwd: { users: [{ name: "u", sshAuthorizedKeys: ["k", "k"] }] } }, "$.passwd.users.0.sshAuthorizedKeys.1"],
    ["partitions by number", {}, { storage: { disks: [{ device: "/dev/a", partitions: [{ number: 1 }, { number: 1 }] }] } }, "$.storage.disks.0.partitions.1"],
    ["kernel arguments across lists", {}, { kernelArguments: { shouldExist: ["a"], shouldNotExist: ["a"] } }, "$.kernelArguments.shouldNotExist.0"],
    ["noProxy", {}, { ignition: { version: "3.3.0", proxy: { noProxy: ["a", "a"] } } }, "$.ignition.proxy.noProxy.1"],
    ["headers", {}, files(src("https://x", { httpHeaders: [{ name: "A", value: "1" }, { name: "A", value: "2" }] })), "$.storage.files.0.contents.httpHeaders.1"],
  ])("reports duplicate %s", (_name, _ok, config, path) => {
    expect(errors(check("3.3.0", config))).toContain(`${path}: duplicate entry defined`);
  });

  it("ignores duplicate filesystem options and appends", () => {
    expect(check("3.3.0", { storage: { filesystems: [{ device: "/dev/a", format: "ext4", options: ["-F", "-F"] }] } }).valid).toBe(true);
    expect(check("3.3.0", files({ path: "/a", append: [{ source: "data:,x" }, { source: "data:,x" }] })).valid).toBe(true);
  });
});

describe("files, directories and links", () => {
  it.each([
    ["", "path not specified"],
    ["etc/hosts", "path not absolute"],
    ["/etc//hosts", "path is not fully simplified"],
    ["/etc/./hosts", "path is not fully simplified"],
    ["/etc/../hosts", "path is not fully simplified"],
    ["/etc/", "path is not fully simplified"],
  ])("rejects path %j", (path, message) => {
    expect(errors(check("3.3.0", files({ path })))).toEqual([`$.storage.files.0.path: ${message}`]);
  });

  it("checks the mode range and warns about special bits before 3.6", () => {
    expect(errors(check("3.3.0", files({ path: "/a", mode: 4096 })))).toEqual(["$.storage.files.0.mode: illegal file mode"]);
    expect(errors(check("3.3.0", { storage: { directories: [{ path: "/d", mode: -1 }] } }))).toEqual(["$.storage.directories.0.mode: illegal file mode"]);
    const special = (v: string): string[] => warnings(check(v, files({ path: "/a", mode: 2541 })));
    expect(special("3.0.0")).toEqual(["$.storage.files.0.mode: setuid/setgid/sticky bits are not supported in spec versions older than 3.6.0"]);
    expect(special("3.5.0")).toHaveLength(1);
    expect(special("3.6.0")).toEqual([]);
  });

  it("needs a source to overwrite and not both id and name", () => {
    expect(errors(check("3.3.0", files({ path: "/a", overwrite: true, user: { id: 0, name: "root" } })))).toEqual([
      "$.storage.files.0.overwrite: overwrite must be false if source is unspecified",
      "$.storage.files.0.user: cannot set both id and name",
    ]);
  });

  it("rejects nodes under a configured link", () => {
    const r = check("3.3.0", {
      storage: { links: [{ path: "/l", target: "/t" }, { path: "/l/x", target: "/t" }], files: [{ path: "/l/f" }], directories: [{ path: "/l/d" }] },
    });
    expect(errors(r).sort()).toEqual([
      "$.storage.directories.0: directory path includes link in config",
      "$.storage.files.0: file path includes link in config",
      "$.storage.links.1: link path includes link in config",
    ]);
  });

  it("requires a link target from 3.3 only", () => {
    expect(errors(check("3.3.0", { storage: { links: [{ path: "/l" }] } }))).toEqual(["$.storage.links.0.target: link target is required"]);
    expect(check("3.2.0", { storage: { links: [{ path: "/l" }] } }).valid).toBe(true);
  });

  it("rejects a hard link to a configured directory", () => {
    const r = check("3.3.0", { storage: { directories: [{ path: "/d" }], links: [{ path: "/l", target: "/d", hard: true }] } });
    expect(errors(r)).toEqual(["$.storage.links.0: hard link target is a directory"]);
  });

  it("rejects a node over a systemd unit Ignition writes (newer than Ignition 2.14)", () => {
    const r = check("3.3.0", { ...files({ path: "/etc/systemd/system/a.service" }), ...units({ name: "a.service", contents: "[Unit]\n" }) });
    expect(errors(r)).toEqual(["$.storage.files.0.path: path conflicts with systemd unit or dropin"]);
  });
});

describe("resources", () => {
  it.each([
    ["3.3.0", "ftp://x", "invalid url scheme"],
    ["3.1.0", "gs://b/o", "invalid url scheme"],
    ["3.3.0", "arn:aws:s3:::b/k", "invalid url scheme"],
    ["3.3.0", "http://[::1", "unable to parse url"],
    ["3.3.0", "https://h:port/", "unable to parse url"],
    ["3.3.0", "s3://b/k?versionId=", "invalid S3 object VersionId"],
    ["3.3.0", "data:,a b", "invalid data character"],
    ["3.3.0", "data:,%zz", "rfc2396: invalid char 0x25 in unescape sequence"],
    ["3.3.0", "data:;base64,aGVsbG8", "illegal base64 data at input byte 4"],
    ["3.3.0", "data:foo/bar,x", "invalid media type"],
    ["3.3.0", "data:text", "missing media type slash"],
    ["3.3.0", "data:text,x", "invalid character for media type"],
    ["3.4.0", "arn:aws:sqs:us-east-1:1:q", "invalid S3 ARN format"],
  ])("in %s rejects source %j", (version, source, message) => {
    expect(errors(check(version, files(src(source))))).toEqual([`$.storage.files.0.contents.source: ${message}`]);
  });

  it.each(["http://x", "HTTPS://x/y", "tftp://h/f", "s3://b/k", "gs://b/o", "data:,x", "data:text/plain;charset=utf-8;base64,aGk="])("accepts source %s in 3.3", (source) => {
    expect(check("3.3.0", files(src(source))).valid).toBe(true);
  });

  it("checks compression, verification and headers", () => {
    expect(errors(check("3.3.0", files(src("data:,x", { compression: "xz" }))))).toEqual(["$.storage.files.0.contents.compression: invalid compression method"]);
    expect(errors(check("3.3.0", files({ path: "/f", contents: { verification: { hash: `sha512-${"a".repeat(128)}` } } })))).toEqual([
      "$.storage.files.0.contents.verification.hash: source must be specified if verification is specified",
    ]);
    expect(errors(check("3.3.0", files(src("data:,x", { httpHeaders: [{ name: "A", value: "b" }] }))))).toEqual([
      "$.storage.files.0.contents.httpHeaders: cannot use HTTP headers with this source scheme",
    ]);
  });

  it.each([
    ["3.3.0", "sha512", "malformed hash specifier"],
    ["3.3.0", "md5-abc", "unrecognized hash function"],
    ["3.3.0", "sha512-abc", "incorrect size for hash sum"],
    ["3.0.0", `sha256-${"0".repeat(64)}`, "unrecognized hash function"],
  ])("in %s rejects hash %s", (version, hash, message) => {
    expect(errors(check(version, files(src("https://x", { verification: { hash } }))))).toEqual([`$.storage.files.0.contents.verification.hash: ${message}`]);
  });

  it("needs a source for merge and CA entries from 3.1", () => {
    const ign = (v: string): Json => ({ version: v, config: { merge: [{}] }, security: { tls: { certificateAuthorities: [{ source: "" }] } } });
    expect(errors(check("3.1.0", { ignition: ign("3.1.0") }))).toEqual([
      "$.ignition.config.merge.0: source is required",
      "$.ignition.security.tls.certificateAuthorities.0: source is required",
    ]);
    expect(errors(check("3.0.0", { ignition: ign("3.0.0") }))).toEqual(["$.ignition.security.tls.certificateAuthorities.0.source: invalid url scheme"]);
  });

  it("checks proxies", () => {
    const r = check("3.3.0", { ignition: { version: "3.3.0", proxy: { httpProxy: "socks5://p", httpsProxy: "http://p" } } });
    expect(errors(r)).toEqual(["$.ignition.proxy.httpProxy: proxies must be http(s)"]);
    expect(warnings(r)).toEqual(["$.ignition.proxy.httpsProxy: insecure plaintext HTTP proxy specified for HTTPS resources"]);
  });
});

describe("systemd", () => {
  it("checks unit and drop-in names", () => {
    expect(errors(check("3.3.0", units({ name: "a" }, { name: "b.service", dropins: [{ name: "x.txt" }] })))).toEqual([
      "$.systemd.units.0.name: invalid systemd unit extension",
      "$.systemd.units.1.dropins.0.name: invalid systemd drop-in extension",
    ]);
  });

  it.each([
    ["[Unit", "unable to find end of section"],
    ["[Unit] x\n", 'found garbage after section name : "x"'],
    ["[Unit]\nA\n", "unexpected newline encountered while parsing option name"],
    ["[Unit]\nA", "EOF"],
    [`[Unit]\nA=${"x".repeat(3000)}\n`, "line too long (max 2048 bytes)"],
  ])("rejects unit contents %j", (contents, message) => {
    expect(errors(check("3.3.0", units({ name: "a.service", contents })))).toEqual([`$.systemd.units.0.contents: invalid unit content: ${message}`]);
  });

  it("accepts what go-systemd accepts", () => {
    expect(check("3.3.0", units({ name: "a.service", contents: "garbage before\n# c\n[Unit]\nA = b \\\n  c\n; note\n" })).valid).toBe(true);
  });

  it("warns when an enabled unit has no [Install] options", () => {
    const r = check("3.3.0", units({ name: "a.service", enabled: true, contents: "[Unit]\n[Install]\n" }));
    expect(warnings(r)).toEqual(['$.systemd.units.0.contents: unit "a.service" is enabled, but has no install section so enable does nothing']);
    expect(check("3.3.0", units({ name: "a.service", enabled: true, contents: "[Install]\nWantedBy=x\n" })).warnings).toEqual([]);
  });
});

describe("disks, filesystems and RAID", () => {
  it("checks partitions", () => {
    const parts: Json = [{ number: 1, label: "x".repeat(37) }, { number: 1, label: "a:b" }, { number: 0 }, { number: 3, guid: "nope" }];
    expect(errors(check("3.3.0", { storage: { disks: [{ device: "/dev/a", partitions: parts }] } })).sort()).toEqual([
      "$.storage.disks.0.partitions.1: duplicate entry defined",
      "$.storage.disks.0.partitions.1: partition numbers collide",
      "$.storage.disks.0.partitions.1.label: partition label will be truncated to text before the colon",
      "$.storage.disks.0.partitions.2: a partition number >= 1 or a label must be specified",
      '$.storage.disks.0.partitions.3.guid: doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"',
      "$.storage.disks.0.partitions.0.label: partition labels may not exceed 36 characters",
    ].sort());
  });

  it("detects overlapping partitions and shouldExist misuse", () => {
    const overlap = [{ number: 1, startMiB: 10, sizeMiB: 10 }, { number: 2, startMiB: 15, sizeMiB: 10 }];
    expect(errors(check("3.3.0", { storage: { disks: [{ device: "/dev/a", partitions: overlap }] } }))).toEqual(["$.storage.disks.0.partitions.1: partitions overlap"]);
    const gone: Json = [{ number: 1, shouldExist: false, sizeMiB: 1 }, { label: "n" }];
    expect(errors(check("3.3.0", { storage: { disks: [{ device: "/dev/a", partitions: gone }] } }))).toEqual([
      "$.storage.disks.0.partitions: shouldExist is false for a partition and other partition(s) has start or size 0",
      "$.storage.disks.0.partitions.0: shouldExist specified false with other options also specified",
    ]);
  });

  it("checks filesystem formats and labels", () => {
    const fs = (f: Json, v = "3.3.0"): string[] => errors(check(v, { storage: { filesystems: [f] } }));
    expect(fs({ device: "/dev/a", format: "zfs" })).toEqual(["$.storage.filesystems.0.format: invalid filesystem format"]);
    expect(fs({ device: "/dev/a", format: "none" }, "3.2.0")).toEqual(["$.storage.filesystems.0.format: invalid filesystem format"]);
    expect(fs({ device: "/dev/a", format: "none" })).toEqual([]);
    expect(fs({ device: "/dev/a", path: "/m" })).toEqual([
      "$.storage.filesystems.0.format: format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified",
    ]);
    expect(fs({ device: "/dev/a", format: "xfs", label: "x".repeat(13) })).toEqual([
      "$.storage.filesystems.0.label: filesystem labels cannot be longer than 12 characters when using xfs",
    ]);
    expect(fs({ device: "dev/a", format: "ext4" })).toEqual(["$.storage.filesystems.0.device: path not absolute"]);
  });

  it("checks RAID levels, spares and devices", () => {
    const raid = (r: Json, v = "3.3.0"): string[] => errors(check(v, { storage: { raid: [r] } }));
    expect(raid({ name: "md", level: "raid7", devices: ["/dev/a"] })).toEqual(["$.storage.raid.0.level: unrecognized raid level"]);
    expect(raid({ name: "md", level: "raid0", devices: ["/dev/a"], spares: 1 })).toEqual(["$.storage.raid.0.level: spares unsupported for linear and raid0 arrays"]);
    expect(raid({ name: "md", devices: ["dev/a"] })).toEqual(["$.storage.raid.0.level: raid level is required", "$.storage.raid.0.devices.0: path not absolute"]);
    expect(raid({ name: "md", level: "" }, "3.2.0")).toEqual(["$.storage.raid.0.devices: raid devices required", "$.storage.raid.0.level: unrecognized raid level"]);
  });
});

describe("luks", () => {
  it("checks names, labels, devices and clevis", () => {
    const luks = { name: "a/b", label: "l".repeat(48), clevis: { tpm2: true, custom: { pin: "tang", config: "{}" }, tang: [{ url: "ftp://t" }] } };
    expect(errors(check("3.3.0", { storage: { luks: [luks] } })).sort()).toEqual([
      "$.storage.luks.0.clevis: cannot use custom clevis config with tpm2, tang, or threshold",
      "$.storage.luks.0.clevis.tang.0.thumbprint: thumbprint is required",
      "$.storage.luks.0.clevis.tang.0.url: invalid url scheme",
      "$.storage.luks.0.device: disk device is required",
      "$.storage.luks.0.label: luks device labels cannot be longer than 47 characters",
      "$.storage.luks.0.name: device names cannot contain slashes",
    ].sort());
  });

  it("follows each version's custom pin rules", () => {
    const custom = (v: string): string[] => errors(check(v, { storage: { luks: [{ name: "a", device: "/dev/a", clevis: { custom: { pin: "", config: "x" } } }] } }));
    expect(custom("3.2.0")).toEqual(["$.storage.luks.0.clevis.custom.pin: unsupported clevis pin"]);
    expect(custom("3.3.0")).toEqual(["$.storage.luks.0.clevis.custom.pin: missing required custom clevis pin"]);
  });

  it("checks 3.4+ tang advertisements and 3.5+ cex", () => {
    const tang = { url: "https://t", thumbprint: "x", advertisement: "{no" };
    expect(errors(check("3.4.0", { storage: { luks: [{ name: "a", device: "/dev/a", clevis: { tang: [tang] } }] } }))).toEqual([
      "$.storage.luks.0.clevis.tang.0.advertisement: advertisement is not valid JSON",
    ]);
    expect(errors(check("3.5.0", { storage: { luks: [{ name: "a", device: "/dev/a", cex: { enabled: true }, keyFile: { source: "data:,k" } }] } }))).toEqual([
      "$.storage.luks.0.cex: cannot use key file with cex",
    ]);
  });
});
