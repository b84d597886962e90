import { describe, expect, it } from "vitest";
import { looksLikeButane, translateButane, type ButaneIssue } from "./translate";

const at = (i: ButaneIssue): string => `${i.path} ${i.line}:${i.column} ${i.message}`;
const errors = (yaml: string, strict = false): string[] => translateButane(yaml, { strict }).errors.map(at);
const warnings = (yaml: string): string[] => translateButane(yaml).warnings.map(at);
const fcos = (body: string, version = "1.5.0"): string => `variant: fcos\nversion: ${version}\n${body}`;

describe("variant and version", () => {
  it("rejects an unknown variant at $.variant", () => {
    const r = translateButane("variant: coreos\nversion: 1.5.0\n");
    expect(r.ignition).toBeNull();
    expect(r.ignitionVersion).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ path: "$.variant", line: 1, column: 10, severity: "error" });
    expect(r.errors[0]?.message).toMatch(/^No translator exists for variant coreos with version 1\.5\.0 \(Flotilla translates fcos 1\.0\.0, .*flatcar 1\.0\.0/);
  });

  it.each([
    ["version: 1.5.0\n", "$.variant 1:1 error parsing variant; must be specified"],
    ["variant: fcos\nversion: 1.5\n", "$.version 2:10 error parsing version; must be a valid semver"],
    ["variant: fcos\n", "$.version 1:1 error parsing version; must be a valid semver"],
    ["", "$.variant 1:1 error parsing variant; must be specified"],
    ["- variant: fcos\n", "$ 1:1 cannot unmarshal !!seq into commonFields"],
  ])("reports %j", (yaml, expected) => {
    expect(errors(yaml)).toEqual([expected]);
  });

  it("rejects a version the variant does not have at $.version", () => {
    expect(errors("variant: flatcar\nversion: 1.4.0\n")[0]).toMatch(/^\$\.version 2:10 No translator exists for variant flatcar with version 1\.4\.0/);
    // coreos/butane config/config.go:71-82 registers these fcos and flatcar versions: all translate.
    for (const v of ["fcos 1.0.0", "fcos 1.1.0", "fcos 1.2.0", "fcos 1.3.0", "fcos 1.4.0", "fcos 1.5.0", "fcos 1.6.0", "fcos 1.7.0", "fcos 1.8.0-experimental", "flatcar 1.0.0", "flatcar 1.1.0", "flatcar 1.2.0-experimental"]) {
      const [variant, version] = v.split(" ");
      expect(errors(`variant: ${variant}\nversion: ${version}\n`), v).toEqual([]);
    }
    // Every variant Butane knows is translated (fcos, flatcar: all versions) or refused by name.
    for (const [variant, version] of [["openshift", "4.14.0"], ["r4e", "1.1.0"], ["fiot", "1.0.0"], ["rhcos", "0.1.0"]]) {
      expect(errors(`variant: ${variant}\nversion: ${version}\n`)[0]).toMatch(new RegExp(`^\\$\\.variant 1:10 Butane variant ${variant} \\(.*\\) is not translated by Flotilla: .*Flotilla translates fcos 1\\.0\\.0`));
    }
  });

  it("maps every supported version to its Ignition spec", () => {
    const spec = (variant: string, version: string): string | null => translateButane(`variant: ${variant}\nversion: ${version}\n`).ignitionVersion;
    expect(["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.6.0", "1.7.0", "1.7.0-experimental"].map((v) => spec("fcos", v))).toEqual([
      "3.0.0", "3.1.0", "3.2.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.6.0",
    ]);
    expect(["1.0.0", "1.1.0", "1.2.0-experimental"].map((v) => spec("flatcar", v))).toEqual(["3.3.0", "3.4.0", "3.7.0-experimental"]);
  });
});

describe("YAML", () => {
  it("reports a syntax error once, with its line and column", () => {
    const r = translateButane("variant: fcos\nversion: 1.5.0\nstorage:\n  files: [\n    - path: /a\n");
    expect(r.errors.map(at)).toEqual(["$ 5:5 Block collections are not allowed within flow collections"]);
    expect(r.ignition).toBeNull();
  });

  it("reports duplicate keys", () => {
    expect(errors("variant: fcos\nversion: 1.5.0\nversion: 1.4.0\n")).toEqual(["$ 3:1 Map keys must be unique"]);
  });

  it("reports values of the wrong type like yaml.v3", () => {
    expect(errors(fcos('storage:\n  files:\n    - path: /etc/a\n      mode: "0644"\n      overwrite: maybe\n  disks: /dev/sda\n'))).toEqual([
      "$.storage.files.0.mode 6:13 cannot unmarshal !!str `0644` into int",
      "$.storage.files.0.overwrite 7:18 cannot unmarshal !!str `maybe` into bool",
      "$.storage.disks 8:10 cannot unmarshal !!str `/dev/sda` into []Disk",
    ]);
  });

  it("accepts YAML 1.1 booleans, anchors and merge keys", () => {
    const r = translateButane(fcos("x-unit: &base\n  enabled: yes\nsystemd:\n  units:\n    - <<: *base\n      name: a.service\n      contents: \"[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n\"\n"));
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(at)).toEqual(["$.x-unit 3:1 Unused key x-unit"]);
    expect(r.ignition).toContain('"enabled": true');
  });
});

describe("unknown keys", () => {
  const yaml = fcos("storage:\n  files:\n    - path: /etc/a\n      permissions: 0644\n");

  it("warns like Butane, at the key", () => {
    const r = translateButane(yaml);
    expect(r.warnings.map(at)).toEqual(["$.storage.files.0.permissions 6:7 Unused key permissions"]);
    expect(r.ignition).not.toBeNull();
  });

  it("fails with strict, as butane --strict does for any warning", () => {
    const r = translateButane(yaml, { strict: true });
    expect(r.errors.map(at)).toEqual(["$.storage.files.0.permissions 6:7 Unused key permissions"]);
    expect(r.errors[0]?.severity).toBe("error");
    expect(r.warnings).toEqual([]);
    expect(r.ignition).toBeNull();
  });
});

describe("local files", () => {
  it.each([
    ["storage:\n  files:\n    - path: /etc/a\n      contents:\n        local: a.txt\n", "$.storage.files.0.contents.local 7:16"],
    ["systemd:\n  units:\n    - name: a.service\n      contents_local: a.service\n", "$.systemd.units.0.contents_local 6:23"],
    ["passwd:\n  users:\n    - name: core\n      ssh_authorized_keys_local: [id.pub]\n", "$.passwd.users.0.ssh_authorized_keys_local 6:34"],
    ["ignition:\n  config:\n    replace:\n      local: base.ign\n", "$.ignition.config.replace.local 6:14"],
  ])("refuses %j", (body, where) => {
    const r = translateButane(fcos(body));
    expect(r.ignition).toBeNull();
    expect(r.errors.map(at)).toEqual([`${where} local files are not available in Flotilla (there is no --files-dir); embed the contents with inline instead`]);
  });

  it("refuses storage.trees", () => {
    expect(errors(fcos("storage:\n  trees:\n    - local: overlay\n"))[0]).toMatch(/^\$\.storage\.trees\.0 5:7 storage\.trees reads a local directory/);
  });
});

describe("Butane's own checks", () => {
  it.each([
    ["storage:\n  files:\n    - path: /etc/a\n      contents:\n        inline: a\n        source: https://example.com/a\n", "$.storage.files.0.contents.source 8:17 only one of the following can be set: inline, local, source"],
    ["storage:\n  filesystems:\n    - device: /dev/sdb\n      path: /var/srv\n      with_mount_unit: true\n", "$.storage.filesystems.0.format 5:7 format is required if with_mount_unit is true"],
    ["storage:\n  filesystems:\n    - device: /dev/sdb\n      format: xfs\n      with_mount_unit: true\n", "$.storage.filesystems.0.path 5:7 path is required if with_mount_unit is true and format is not swap"],
    ["boot_device:\n  layout: riscv\n", "$.boot_device.layout 4:11 layout must be one of: aarch64, ppc64le, x86_64"],
    ["boot_device:\n  layout: x86_64\n  mirror:\n    devices: [/dev/sda]\n", "$.boot_device.mirror.devices 6:14 mirroring requires at least two devices"],
    ["grub:\n  users:\n    - name: root\n", '$.grub.users.0.password_hash 5:7 field "password_hash" is required'],
  ])("%#: %s", (body, expected) => {
    expect(errors(fcos(body))).toEqual([expected]);
  });

  it("requires mount points under /etc or /var from fcos 1.6", () => {
    const body = "storage:\n  filesystems:\n    - device: /dev/sdb\n      format: xfs\n      path: /srv\n      with_mount_unit: true\n";
    expect(errors(fcos(body, "1.6.0"))).toEqual(["$.storage.filesystems.0.path 7:13 path must be under /etc or /var if with_mount_unit is true"]);
    expect(errors(fcos(body, "1.5.0"))).toEqual([]);
  });

  it("warns when a reserved partition label gets another number (fcos 1.3+)", () => {
    const body = "storage:\n  disks:\n    - device: /dev/disk/by-id/coreos-boot-disk\n      partitions:\n        - label: root\n          number: 4\n          resize: true\n        - label: boot\n          size_mib: 10\n";
    expect(warnings(fcos(body))).toEqual(["$.storage.disks.0.partitions.1.label 10:18 incorrect partition number; a new partition will be created using reserved label"]);
    expect(warnings(fcos(body, "1.2.0"))).toEqual([]);
  });

  it("rejects clevis on flatcar 1.0", () => {
    const yaml = "variant: flatcar\nversion: 1.0.0\nstorage:\n  luks:\n    - name: data\n      device: /dev/sdb\n      clevis:\n        tpm2: true\n";
    expect(errors(yaml)).toEqual(["$.storage.luks.0.clevis 8:9 clevis is not supported in this spec version"]);
  });

  it("warns about modes written in decimal; strict makes that an error", () => {
    const yaml = fcos("storage:\n  files:\n    - path: /etc/a\n      mode: 644\n");
    expect(warnings(yaml)).toEqual([
      "$.storage.files.0.mode 6:13 unreasonable mode would be reasonable if specified in octal; remember to add a leading zero",
      // 644 is 0o1204: Ignition itself warns about the sticky bit before 3.6.
      "$.storage.files.0.mode 6:13 setuid/setgid/sticky bits are not supported in spec versions older than 3.6.0",
    ]);
    expect(errors(yaml, true)).toHaveLength(2);
  });
});

describe("Ignition validation, reported on the Butane source", () => {
  it("maps errors to the YAML path and line of the offending value", () => {
    const yaml = fcos("storage:\n  files:\n    - path: /etc/ok\n    - path: etc/relative\nsystemd:\n  units:\n    - name: app\n      enabled: true\n");
    const r = translateButane(yaml);
    expect(r.ignition).toBeNull();
    expect(r.errors.map(at)).toEqual(["$.storage.files.1.path 6:13 path not absolute", "$.systemd.units.0.name 9:13 invalid systemd unit extension"]);
  });

  it("maps duplicates and camelCase fields back to snake_case", () => {
    const yaml = fcos("storage:\n  disks:\n    - device: /dev/sda\n      partitions:\n        - label: a\n          type_guid: not-a-guid\n  files:\n    - path: /etc/a\n    - path: /etc/a\n");
    expect(errors(yaml)).toEqual(['$.storage.disks.0.partitions.0.type_guid 8:22 doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"',
      "$.storage.files.1 11:7 duplicate entry defined",
    ]);
  });

  it("maps warnings too", () => {
    const r = translateButane(fcos("ignition:\n  proxy:\n    https_proxy: http://proxy.example.com:3128\n"));
    expect(r.warnings.map(at)).toEqual(["$.ignition.proxy.https_proxy 5:18 insecure plaintext HTTP proxy specified for HTTPS resources"]);
    expect(r.ignition).not.toBeNull();
  });

  it("validates inline configs to merge (Butane 0.24+)", () => {
    const inline = '{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "rel"}]}}';
    expect(errors(fcos(`ignition:\n  config:\n    merge:\n      - inline: '${inline}'\n`))).toEqual([
      "$.ignition.config.merge.0.inline.storage.files.0.path 6:17 path not absolute (inline config line 1, column 67)",
    ]);
  });
});

describe("looksLikeButane", () => {
  it.each([
    ["variant: fcos\nversion: 1.5.0\n", true],
    ["# comment\nversion: 1.0.0\nvariant: flatcar\n", true],
    ["{variant: fcos, version: 1.5.0}", true],
    ['{"variant": "fcos", "version": "1.5.0"}', false],
    ['{"ignition": {"version": "3.4.0"}}', false],
    ["variant: fcos\n", false],
    ["storage: {}\n", false],
    ["", false],
  ])("%j → %s", (text, expected) => {
    expect(looksLikeButane(text)).toBe(expected);
  });
});
