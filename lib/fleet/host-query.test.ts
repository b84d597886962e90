import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, HostQuerySchema, hostQueryInput, searchMode } from "./host-query";

describe("host list query", () => {
  it("reads repeated labels and drops empty values", () => {
    const q = HostQuerySchema.parse(hostQueryInput(new URLSearchParams("label=site=berlin&label=role=a=b&group=&q=edge")));
    expect(q.label).toEqual([
      ["site", "berlin"],
      ["role", "a=b"],
    ]);
    expect(q.group).toBeUndefined();
    expect(q).toMatchObject({ q: "edge", sort: "lastSeen", limit: 50 });
  });
  it("rejects unknown sorts, states and labels without =", () => {
    expect(HostQuerySchema.safeParse({ sort: "ram" }).success).toBe(false);
    expect(HostQuerySchema.safeParse({ state: "asleep" }).success).toBe(false);
    expect(HostQuerySchema.safeParse({ label: ["site"] }).success).toBe(false);
    expect(HostQuerySchema.safeParse({ limit: "5000" }).success).toBe(false);
  });
  it("round-trips cursors and rejects forged ones", () => {
    const c = { v: "2026-11-27T10:00:00.000Z", id: "ab" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(() => decodeCursor("garbage")).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"v":1}').toString("base64url"))).toThrow(/cursor/);
  });
});

describe("searchMode", () => {
  it("searches substrings only for terms the trigram index can serve", () => {
    expect(["%", "_", "ab", "a-b-c", "%%%"].map(searchMode)).toEqual(["exact", "exact", "exact", "exact", "exact"]);
    expect(["abc", "munich-004", "100%-off", "épé"].map(searchMode)).toEqual(["substring", "substring", "substring", "substring"]);
  });
});
