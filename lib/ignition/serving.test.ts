import { describe, expect, it } from "vitest";
import { compileConfig } from "./compile";
import { REDACTED, redactIgnitionText } from "./redact";
import { placeholders, renderVariables, withSampleValues } from "./render";
import { normalizeMac, selectAssignment, selectorsFromQuery } from "./select";

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
