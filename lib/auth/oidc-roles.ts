import { ROLES, type Role } from "./permissions";

/**
 * How an identity provider's claim becomes a Flotilla role. The operator maps claim values
 * (usually group names) to roles: `flotilla-admins=admin,sre=operator,release-managers=approver`.
 * A person in several mapped groups gets the most powerful of their roles; a person in none
 * gets no access at all, so removing someone from the groups in the provider locks them out
 * at their next sign-in.
 */
export type RoleMap = ReadonlyMap<string, Role>;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

/** Parses `value=role[,value=role…]`; throws with the offending pair named. */
export function parseRoleMap(text: string): RoleMap {
  const map = new Map<string, Role>();
  for (const raw of text.split(",")) {
    const pair = raw.trim();
    if (pair === "") continue;
    const eq = pair.lastIndexOf("=");
    const value = eq > 0 ? pair.slice(0, eq).trim() : "";
    const role = eq > 0 ? pair.slice(eq + 1).trim() : "";
    if (value === "" || !isRole(role)) throw new Error(`"${pair}" is not value=role with a role of ${ROLES.join(", ")}`);
    const before = map.get(value);
    map.set(value, before && RANK[before] > RANK[role] ? before : role);
  }
  return map;
}

/** Why a role map cannot be used, or null when it parses and maps at least one value. */
export function roleMapProblem(text: string): string | null {
  try {
    return parseRoleMap(text).size === 0 ? "maps no claim value to a role, so nobody could sign in" : null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Reads a dotted path (`realm_access.roles`) from the claims. */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let cur: unknown = claims;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The claim's values: a string, a list of strings, or a space-separated string (as `scope`). */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  const v = claimAt(claims, path);
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

/** The most powerful role any of the claim's values maps to, or null: no access. */
export function roleFromClaims(claims: Record<string, unknown>, claimPath: string, map: RoleMap): Role | null {
  let best: Role | null = null;
  for (const value of claimValues(claims, claimPath)) {
    const role = map.get(value);
    if (role && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}
