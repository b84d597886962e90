import { describe, expect, it } from "vitest";
import { claimValues, parseRoleMap, roleFromClaims, roleMapProblem } from "./oidc-roles";

describe("OIDC role mapping", () => {
  const map = parseRoleMap("flotilla-admins=admin, sre=operator,release-managers=approver,everyone=viewer");

  it("gives the most powerful mapped role", () => {
    expect(roleFromClaims({ groups: ["everyone", "sre"] }, "groups", map)).toBe("operator");
    expect(roleFromClaims({ groups: ["sre", "flotilla-admins", "everyone"] }, "groups", map)).toBe("admin");
    expect(roleFromClaims({ groups: ["release-managers", "sre"] }, "groups", map)).toBe("approver");
  });

  it("gives no access when no value maps, or the claim is missing or of another type", () => {
    expect(roleFromClaims({ groups: ["marketing"] }, "groups", map)).toBeNull();
    expect(roleFromClaims({}, "groups", map)).toBeNull();
    expect(roleFromClaims({ groups: 42 }, "groups", map)).toBeNull();
    expect(roleFromClaims({ groups: [1, null, { a: 1 }] }, "groups", map)).toBeNull();
  });

  it("reads nested claims and space-separated strings (Keycloak realm roles, scope-like claims)", () => {
    expect(roleFromClaims({ realm_access: { roles: ["sre"] } }, "realm_access.roles", map)).toBe("operator");
    expect(claimValues({ roles: "a b,c" }, "roles")).toEqual(["a", "b", "c"]);
    expect(roleFromClaims({ realm_access: ["sre"] }, "realm_access.roles", map)).toBeNull();
  });

  it("matches values exactly (no prefix or case folding: group names are identifiers)", () => {
    expect(roleFromClaims({ groups: ["flotilla-admins-old", "SRE"] }, "groups", map)).toBeNull();
  });

  it("refuses a map that is malformed or grants nothing, naming the pair", () => {
    expect(() => parseRoleMap("sre=root")).toThrow(/"sre=root"/);
    expect(() => parseRoleMap("=admin")).toThrow();
    expect(roleMapProblem("")).toMatch(/nobody could sign in/);
    expect(roleMapProblem("a=viewer")).toBeNull();
    // A value listed twice keeps its most powerful role.
    expect(parseRoleMap("ops=viewer,ops=admin,ops=operator").get("ops")).toBe("admin");
  });
});
