import { describe, expect, it } from "vitest";
import { mirrorCodebase, parseRange, payloadFileOf } from "./mirror-paths";

describe("mirrored payload paths", () => {
  it("maps a served path to the file under the mirror directory", () => {
    expect(payloadFileOf("/m", "/v1/payloads/flatcar/amd64/4152.2.0/flatcar_production_update.gz")).toBe("/m/flatcar/amd64/4152.2.0/flatcar_production_update.gz");
    expect(mirrorCodebase("http://f.example:3000/", "amd64", "4152.2.0")).toBe("http://f.example:3000/v1/payloads/flatcar/amd64/4152.2.0/");
  });
  it("refuses traversal, hidden and partial files, and extra segments", () => {
    for (const p of ["/v1/payloads/flatcar/amd64/4152.2.0/..", "/v1/payloads/flatcar/amd64/../x", "/v1/payloads/flatcar/amd64/4152.2.0/%2e%2e%2fetc", "/v1/payloads/flatcar/amd64/4152.2.0/a/b", "/v1/payloads/flatcar/amd64/4152.2.0/x.gz.part-1-2", "/v1/payloads/flatcar/amd64/4152.2.0/%E0%A4%A"]) {
      expect(payloadFileOf("/m", p)).toBeNull();
    }
  });
});

describe("Range header", () => {
  it("reads the single ranges update_engine's resumed downloads send", () => {
    expect(parseRange("bytes=100-", 1000)).toEqual({ start: 100, end: 999 });
    expect(parseRange("bytes=0-9", 1000)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=-10", 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange("bytes=990-5000", 1000)).toEqual({ start: 990, end: 999 });
  });
  it("answers unsatisfiable ranges with 416 and ignores what it does not serve", () => {
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=5-1", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,5-6", 1000)).toBeNull();
    expect(parseRange("items=0-1", 1000)).toBeNull();
    expect(parseRange(undefined, 1000)).toBeNull();
  });
});
