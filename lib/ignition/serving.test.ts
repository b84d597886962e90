import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile";
import { assignmentValues, configTraits, renderForAssignment } from "./assignment-render";
import { findSecrets, REDACTED, redactIgnitionText } from "./redact";
import { malformedPlaceholders, placeholders, placeValue, renderVariables, withSampleValues } from "./render";
import { servingNotes } from "./serving-notes";
import { normalizeMac, parseMac, selectAssignment, selectorsFromQuery } from "./select";

describe("selectors", () => {
  it("normalize MACs, lower-case keys and drop junk", () => {
    expect(normalizeMac("52-54-00-AB-CD-EF")).toBe("52:54:00:ab:cd:ef");
    expect(selectorsFromQuery(new URLSearchParams("MAC=52-54-00-AB-CD-EF&UUID=ABC&hostname=h1&bad key=x&empty="))).toEqual({ mac: "52:54:00:ab:cd:ef", uuid: "abc", hostname: "h1" });
  });

  it("pick the most specific matching assignment, the default last, ties by name", () => {
    const a: Array<{ id: string; name: string; selectors: Record<string, string> }> = [
      { id: "1", name: "default", selectors: {} },
      { id: "2", name: "berlin", selectors: { site: "berlin" } },
      { id: "3", name: "berlin-mac", selectors: { site: "berlin", mac: "52-54-00-AA-BB-CC" } },
      { id: "4", name: "a-rack", selectors: { rack: "r1" } },
      { id: "5", name: "b-rack", selectors: { rack: "r1" } },
    ];
    expect(selectAssignment(a, { site: "berlin", mac: "52:54:00:aa:bb:cc" })?.name).toBe("berlin-mac");
    expect(selectAssignment(a, { site: "berlin" })?.name).toBe("berlin");
    expect(selectAssignment(a, { site: "munich" })?.name).toBe("default");
    expect(selectAssignment(a, { rack: "r1" })?.name).toBe("a-rack");
    expect(selectAssignment(a.slice(1), { site: "munich" })).toBeNull();
  });
});

// Go's net.ParseMAC (src/net/mac.go), which Matchbox applies to request and group MACs
// (matchbox/http/parse.go:64, matchbox/storage/storagepb/group.go:63). Cases from Go's mac_test.go.
describe("MAC parsing as net.ParseMAC", () => {
  it.each([
    ["00:00:5e:00:53:01", "00:00:5e:00:53:01"],
    ["02:00:5e:10:00:00:00:01", "02:00:5e:10:00:00:00:01"],
    ["00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01", "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01"],
    ["00-00-5E-00-53-01", "00:00:5e:00:53:01"],
    ["02-00-5e-10-00-00-00-01", "02:00:5e:10:00:00:00:01"],
    ["0000.5e00.5301", "00:00:5e:00:53:01"],
    ["0200.5e10.0000.0001", "02:00:5e:10:00:00:00:01"],
    ["0000.0000.fe80.0000.0000.0000.0200.5e10.0000.0001", "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01"],
  ])("accepts %s", (input, want) => expect(parseMac(input)).toBe(want));

  it.each(["01.02.03.04.05.06", "01:02:03:04:05:06:", "x1:02:03:04:05:06", "01002:03:04:05:06", "01:02003:04:05:06", "01:02:03:04:05:06:07", "0123:4567:89AB:CDEF", "0123-4567-89AB-CDEF", "01:02-03-04-05-06", "0000.5e00.5301.", "52:54:00:aa:bb"])("refuses %s", (input) => expect(parseMac(input)).toBeNull());
});

describe("selectors", () => {
  it("take the first value of a repeated key (Matchbox: values.Get, matchbox/http/parse.go:55)", () => {
    expect(selectorsFromQuery(new URLSearchParams("site=berlin&site=munich&mac=0000.5e00.5301&mac=00:00:00:00:00:01"))).toEqual({ site: "berlin", mac: "00:00:5e:00:53:01" });
  });

  it("drop a MAC that does not parse, so it matches no mac selector (parse.go:44-52)", () => {
    expect(selectorsFromQuery(new URLSearchParams("mac=not-a-mac&site=x"))).toEqual({ site: "x" });
  });

  it("break ties between equally specific assignments as Matchbox: the greater sorted selector string wins", () => {
    // matchbox/server/server.go:153 sorts by sort.Reverse(ByReqs); ByReqs.Less compares
    // selectorString() (storagepb/group.go:88-96, 131-136), so "rack=r2" beats "rack=r1" and
    // "region=eu" beats "rack=r9" whatever the group names.
    const a: Array<{ id: string; name: string; selectors: Record<string, string> }> = [
      { id: "1", name: "z-first-by-name", selectors: { rack: "r1" } },
      { id: "2", name: "a", selectors: { rack: "r2" } },
      { id: "3", name: "m", selectors: { region: "eu" } },
    ];
    expect(selectAssignment(a, { rack: "r1", region: "eu" })?.name).toBe("m");
    expect(selectAssignment(a, { rack: "r1" })?.name).toBe("z-first-by-name");
    expect(selectAssignment(a.slice(0, 2), { rack: "r2" })?.name).toBe("a");
  });
});

describe("variables", () => {
  const cfg = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/hostname", contents: { source: "data:,{{hostname}}" } }] }, systemd: { units: [{ name: "a.service", contents: "[Service]\nEnvironment=SITE={{site}}\n" }] } });

  it("finds placeholders, also percent-encoded by Butane", () => {
    expect(placeholders(cfg)).toEqual(["hostname", "site"]);
    expect(placeholders("data:,%7B%7Bhostname%7D%7D")).toEqual(["hostname"]);
  });

  it("percent-encodes inside data URLs, writes plain text elsewhere, and never breaks JSON", () => {
    const r = renderVariables(cfg, { hostname: 'edge "01"', site: "ber\"lin" });
    expect(r.missing).toEqual([]);
    const parsed = JSON.parse(r.text);
    expect(parsed.storage.files[0].contents.source).toBe("data:,edge%20%2201%22");
    expect(parsed.systemd.units[0].contents).toBe("[Service]\nEnvironment=SITE=ber\"lin\n");
    expect(compileConfig("ignition", r.text).valid).toBe(true);
  });

  it("reports missing variables and validates configs with placeholders at save time", () => {
    expect(renderVariables(cfg, { hostname: "h" }).missing).toEqual(["site"]);
    expect(withSampleValues(cfg)).not.toContain("{{");
    expect(compileConfig("ignition", cfg).valid).toBe(true);
  });
});

describe("variables by where they land", () => {
  const units = JSON.stringify({
    ignition: { version: "3.3.0" },
    systemd: { units: [{ name: "a.service", contents: "[Service]\nEnvironment=SITE={{site}}\n", dropins: [{ name: "x.conf", contents: "[Service]\nEnvironment=B={{site}}\n" }] }] },
    passwd: { users: [{ name: "core", sshAuthorizedKeys: ["{{key}}"] }] },
    storage: { files: [{ path: "/etc/site", mode: 420, contents: { source: "data:,{{site}}" } }] },
  });

  it("refuses a newline wherever it lands: unit text, authorized keys, file contents", () => {
    expect(placeValue("a\nExecStartPre=/bin/evil", "unit")).toMatchObject({ ok: false });
    expect(placeValue("a\r", "json")).toMatchObject({ ok: false });
    expect(placeValue("a\nb", "data-url")).toMatchObject({ ok: false });
    const r = renderVariables(units, { site: "berlin\n[Service]\nExecStartPre=/bin/evil", key: "ssh-ed25519 AAA" });
    expect(r.invalid.map((p) => p.landing).sort()).toEqual(["data-url", "unit"]);
    const k = renderVariables(units, { site: "berlin", key: "ssh-ed25519 AAA\nssh-rsa EVIL" });
    expect(k.invalid).toEqual([expect.objectContaining({ name: "key", landing: "json" })]);
  });

  it("escapes systemd specifiers in unit text, percent-encodes file contents", () => {
    const r = renderVariables(units, { site: "100%ber lin", key: "k" });
    const c = JSON.parse(r.text);
    expect(c.systemd.units[0].contents).toBe("[Service]\nEnvironment=SITE=100%%ber lin\n");
    expect(c.systemd.units[0].dropins[0].contents).toBe("[Service]\nEnvironment=B=100%%ber lin\n");
    expect(c.storage.files[0].contents.source).toBe("data:,100%25ber%20lin");
    expect(placeValue("C:\\", "unit")).toMatchObject({ ok: false });
  });

  it("renders per assignment from its selectors and variables only, never the request", () => {
    expect(assignmentValues({ selectors: { mac: "52-54-00-AA-BB-CC" }, variables: { site: "b" } })).toEqual({ mac: "52:54:00:aa:bb:cc", site: "b" });
    expect(renderForAssignment(units, { selectors: {}, variables: { site: "b" } })).toMatchObject({ ok: false, missing: ["key"] });
    const ok = renderForAssignment(units, { selectors: {}, variables: { site: "b", key: "ssh-ed25519 AAA" } });
    expect(ok.ok).toBe(true);
  });

  it("flags placeholder-like text that is not a valid variable", () => {
    expect(malformedPlaceholders('{"a":"{{Host Name}} {{ok}} %7B%7B1x%7D%7D"}')).toEqual(["{{Host Name}}", "%7B%7B1x%7D%7D"]);
  });
});

describe("secrets", () => {
  it("one definition: password hashes, header values, LUKS keys, private or sensitive-path file contents", () => {
    const text = JSON.stringify({
      ignition: { version: "3.3.0" },
      passwd: { users: [{ name: "core", passwordHash: "$6$x" }], groups: [{ name: "g", passwordHash: "$6$y" }] },
      storage: {
        files: [
          { path: "/etc/motd", contents: { source: "data:,hi" } },
          { path: "/etc/app.key", mode: 0o640, contents: { source: "data:,k" }, append: [{ source: "data:,more" }] },
          { path: "/etc/ssh/ssh_host_ed25519_key", mode: 0o644, contents: { source: "data:,hostkey" } },
          { path: "/etc/ssh/ssh_host_ed25519_key.pub", mode: 0o644, contents: { source: "data:,pub" } },
          { path: "/etc/remote", mode: 0o600, contents: { source: "https://example.com/x" } },
        ],
      },
    });
    expect(findSecrets(text).map((s) => s.path)).toEqual([
      "$.passwd.users.0.passwordHash",
      "$.passwd.groups.0.passwordHash",
      "$.storage.files.1.contents.source",
      "$.storage.files.1.append.0.source",
      "$.storage.files.2.contents.source",
    ]);
    expect(configTraits(text).public).toBe(false);
    expect(redactIgnitionText(text)).not.toContain("hostkey");
    expect(configTraits('{"ignition":{"version":"3.3.0"}}')).toEqual({ variables: [], secrets: [], public: true });
  });
});

describe("redaction", () => {
  it("hides password hashes, header values, key files and private file contents, keeps the rest", () => {
    const text = JSON.stringify({
      ignition: { version: "3.3.0", config: { merge: [{ source: "https://x/y.ign", httpHeaders: [{ name: "Authorization", value: "Bearer s3cret" }] }] } },
      passwd: { users: [{ name: "core", passwordHash: "$6$hash", sshAuthorizedKeys: ["ssh-ed25519 AAA"] }] },
      storage: {
        files: [
          { path: "/etc/motd", mode: 420, contents: { source: "data:,public" } },
          { path: "/etc/token", mode: 384, contents: { source: "data:,private-token" } },
        ],
        luks: [{ name: "data", device: "/dev/vdb", keyFile: { source: "data:,luks-key" } }],
      },
    });
    const out = redactIgnitionText(text);
    for (const secret of ["s3cret", "$6$hash", "private-token", "luks-key"]) expect(out).not.toContain(secret);
    expect(out).toContain("data:,public");
    expect(out).toContain("ssh-ed25519 AAA");
    expect(out.split(REDACTED).length - 1).toBe(4);
    expect(redactIgnitionText("not json")).toBe("not json");
  });
});

describe("editor notes on how a config is served", () => {
  it("warns at each secret's line, names the variables, and flags non-variables", () => {
    const source = '{\n  "ignition": { "version": "3.3.0" },\n  "passwd": { "users": [\n    { "name": "core", "passwordHash": "$6$x" }\n  ] },\n  "storage": { "files": [{ "path": "/etc/h", "contents": { "source": "data:,{{hostname}}" } }] },\n  "systemd": { "units": [{ "name": "a.service", "contents": "[Service]\\nExecStart=/bin/echo {{Not A Var}}\\n" }] }\n}\n';
    const notes = servingNotes("ignition", source, compileConfig("ignition", source));
    expect(notes.secrets).toEqual(["password hash"]);
    expect(notes.variables).toEqual(["hostname"]);
    expect(notes.warnings).toEqual([
      expect.objectContaining({ path: "$.passwd.users.0.passwordHash", line: 4, message: expect.stringMatching(/capability URL/) }),
      expect.objectContaining({ line: 6, message: expect.stringMatching(/^uses variables hostname/) }),
      expect.objectContaining({ line: 7, message: expect.stringMatching(/\{\{Not A Var\}\} is not a variable/) }),
    ]);
  });

  it("says nothing for a plain config, and works on Butane's translation", () => {
    const plain = '{"ignition":{"version":"3.3.0"}}';
    expect(servingNotes("ignition", plain, compileConfig("ignition", plain)).warnings).toEqual([]);
    const butane = "variant: fcos\nversion: 1.4.0\npasswd:\n  users:\n    - name: core\n      password_hash: $6$x\n";
    expect(servingNotes("butane", butane, compileConfig("butane", butane)).secrets).toEqual(["password hash"]);
  });
});
