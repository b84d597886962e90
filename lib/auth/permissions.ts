export type Role = "viewer" | "operator" | "approver" | "admin";

export type Permission =
  | "fleet:read" // overview, hosts, history, groups, channels
  | "fleet:write" // groups, channels, pins, rollouts, rollbacks
  | "rollout:approve" // approve or reject rollouts and config publications
  | "audit:read"
  | "users:manage" // users and roles
  | "tokens:manage"; // enrollment tokens and API tokens

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["fleet:read", "audit:read"],
  operator: ["fleet:read", "audit:read", "fleet:write"],
  approver: ["fleet:read", "audit:read", "rollout:approve"],
  admin: ["fleet:read", "audit:read", "fleet:write", "rollout:approve", "users:manage", "tokens:manage"],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
