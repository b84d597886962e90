import { describe, expect, it } from "vitest";
import { unstorableText } from "./storable-text";

describe("unstorableText", () => {
  it("accepts what Postgres text and jsonb can hold, including paired surrogates", () => {
    expect(unstorableText({ a: "plain", b: ["Ω≈ç", "💥", "\u202e", "\ufeff"], c: 1, d: null, e: { f: true } })).toBeNull();
  });
  it("names the first NUL or unpaired surrogate, in values and keys", () => {
    expect(unstorableText({ a: { b: ["ok", "x\u0000y"] } })).toEqual({ path: "a.b.1", message: "NUL characters (\\u0000) are not allowed" });
    expect(unstorableText({ a: "\ud800" })).toEqual({ path: "a", message: "unpaired UTF-16 surrogates are not allowed" });
    expect(unstorableText({ a: "x\udc00" })?.path).toBe("a");
    expect(unstorableText({ "k\u0000": 1 })).toMatchObject({ path: "(body)", message: expect.stringMatching(/NUL/) });
    expect(unstorableText("\u0000", "query.q")?.path).toBe("query.q");
  });
  it("walks deep values without recursion", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(unstorableText(deep)?.message).toMatch(/NUL/);
  });
});
