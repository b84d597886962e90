import { describe, expect, it } from "vitest";
import { isCrossSite } from "./csrf";
import { can, permissionsOf } from "./permissions";
import { hashToken, newToken, sameSecret, tokenHint } from "./tokens";

describe("roles", () => {
  it("viewers read, operators write the fleet, approvers approve, admins do everything", () => {
    expect(can("viewer", "fleet:read")).toBe(true);
    expect(can("viewer", "fleet:write")).toBe(false);
    expect(can("operator", "fleet:write")).toBe(true);
    expect(can("operator", "rollout:approve")).toBe(false);
    expect(can("approver", "rollout:approve")).toBe(true);
    expect(can("approver", "fleet:write")).toBe(false);
    expect(can("operator", "users:manage")).toBe(false);
    expect(permissionsOf("admin")).toEqual(expect.arrayContaining(["users:manage", "tokens:manage", "fleet:write", "rollout:approve"]));
  });
});

describe("tokens", () => {
  it("are prefixed, random and stored only as a hash", () => {
    const a = newToken("api");
    expect(a).toMatch(/^fla_[A-Za-z0-9_-]{43}$/);
    expect(newToken("api")).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a);
    expect(tokenHint(a)).toBe(`…${a.slice(-4)}`);
    expect(sameSecret(a, a)).toBe(true);
    expect(sameSecret(a, `${a}x`)).toBe(false);
  });
});

describe("cross-site check", () => {
  const h = (origin: string | null, secFetchSite: string | null, host = "flotilla.example:3000") => ({ origin, secFetchSite, host });
  it("lets same-origin browsers and non-browser clients through", () => {
    expect(isCrossSite(h("http://flotilla.example:3000", "same-origin"))).toBe(false);
    expect(isCrossSite(h(null, null))).toBe(false);
    expect(isCrossSite(h(null, "none"))).toBe(false);
    expect(isCrossSite(h("https://ops.example.com", null), "https://ops.example.com")).toBe(false);
  });
  it("refuses other origins", () => {
    expect(isCrossSite(h("https://evil.example", "cross-site"))).toBe(true);
    expect(isCrossSite(h("https://evil.example", null))).toBe(true);
    expect(isCrossSite(h(null, "same-site"))).toBe(true);
    expect(isCrossSite(h("null", null))).toBe(true);
  });
});
