import { gunzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { makeDataUrl } from "./data-url";
import { translateButane } from "./translate";

// coreos/butane base/util/url.go:27-82 (MakeDataURL): the shortest of percent-escaped, base64,
// and gzip+base64 (the last only when no compression is configured, and only when shorter by
// more than len("gzip")); compression "" is recorded so a child config cannot inherit one.

function decode(source: string, compression: string | null): string {
  const m = /^data:(;base64)?,(.*)$/s.exec(source)!;
  const raw = m[1] ? Uint8Array.from(Buffer.from(m[2]!, "base64")) : Uint8Array.from(Buffer.from(decodeURIComponent(m[2]!), "utf8"));
  return Buffer.from(compression === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
}

const repetitive = Array.from({ length: 300 }, (_, i) => `line ${i % 20} of a repetitive config file with key=value`).join("\n") + "\n";

describe("inline contents as Butane encodes them", () => {
  it("gzips large compressible contents and records compression gzip, framed as Go's gzip", () => {
    const url = makeDataUrl(repetitive, undefined, true);
    expect(url.compression).toBe("gzip");
    expect(url.source.startsWith("data:;base64,H4sIAAAAAAAC/")).toBe(true); // 1f8b08 00 00000000 02 ff
    expect(url.source.length).toBeLessThan(repetitive.length / 5);
    expect(decode(url.source, url.compression)).toBe(repetitive);
  });

  it("keeps small text percent-escaped and binary-looking text base64, compression empty", () => {
    expect(makeDataUrl("hello world", undefined, true)).toEqual({ source: "data:,hello%20world", compression: "" });
    const b = makeDataUrl("ÿþýüûúùø", undefined, true);
    expect(b).toEqual({ source: `data:;base64,${Buffer.from("ÿþýüûúùø").toString("base64")}`, compression: "" });
  });

  it("never compresses again when the config names a compression, and keeps that field", () => {
    expect(makeDataUrl(repetitive, "gzip", true).compression).toBeNull();
    expect(makeDataUrl(repetitive, "gzip", true).source).toBe(`data:;base64,${Buffer.from(repetitive).toString("base64")}`);
  });

  it("keeps contents with a {{variable}} percent-escaped so serving can fill it", () => {
    const url = makeDataUrl(`${repetitive}host={{hostname}}\n`, undefined, true);
    expect(url.compression).toBe("");
    expect(url.source).toContain("%7B%7Bhostname%7D%7D");
  });

  it("translates a large inline file to gzip, except in fcos 1.0 (base v0_1 has no compression)", () => {
    const bu = (version: string) => `variant: fcos\nversion: ${version}\nstorage:\n  files:\n    - path: /etc/big.conf\n      contents:\n        inline: |\n${repetitive.split("\n").filter(Boolean).map((l) => `          ${l}`).join("\n")}\n`;
    const v14 = JSON.parse(translateButane(bu("1.4.0")).ignition!);
    expect(v14.storage.files[0].contents.compression).toBe("gzip");
    expect(decode(v14.storage.files[0].contents.source, "gzip")).toBe(repetitive);
    const v10 = JSON.parse(translateButane(bu("1.0.0")).ignition!);
    expect(v10.storage.files[0].contents.compression).toBeUndefined();
    expect(v10.storage.files[0].contents.source.startsWith("data:,")).toBe(true);
  });
});
