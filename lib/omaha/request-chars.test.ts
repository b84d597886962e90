import { describe, expect, it } from "vitest";
import { OmahaRequestError, parseOmahaRequest } from "./request";

const request = (attr: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><request protocol="3.0"><app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" version="3975.2.2" track="stable" machineid="${"a".repeat(32)}" machinealias="${attr}"><updatecheck></updatecheck></app></request>`;

describe("characters XML does not allow", () => {
  it.each([
    ["a NUL character reference", "&#0;"],
    ["a surrogate character reference", "&#xD800;"],
    ["a decimal surrogate reference", "&#56320;"],
    ["a C0 control reference", "&#x1;"],
    ["U+FFFE", "&#xFFFE;"],
    ["beyond Unicode", "&#x110000;"],
    ["a raw C0 control", "a\u0001b"],
    ["a raw NUL", "a\u0000b"],
  ])("refuses %s as malformed", (_what, attr) => {
    expect(() => parseOmahaRequest(request(attr))).toThrow(OmahaRequestError);
  });
  it("still decodes the characters XML allows", () => {
    expect(parseOmahaRequest(request("&#65;&#x1F4A5;&#9;&amp;")).apps[0]!.machineAlias).toBe("A💥\t&");
  });
});
