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

export const ROLES: readonly Role[] = ["viewer", "operator", "approver", "admin"];

/** What each permission allows, in the words of the README's access-control table. */
export const PERMISSION_MEANING: Record<Permission, string> = {
  "fleet:read": "see the fleet: overview, hosts, history, groups, channels, releases, pins, Ignition configs (secrets redacted), approvals",
  "fleet:write": "change the fleet: groups and policies, channels, releases, pins, rollouts, rollbacks, reboot slots, Ignition configs",
  "rollout:approve": "approve or reject rollouts and Ignition publications (never one's own request)",
  "audit:read": "read, export and verify the audit log",
  "users:manage": "create users, change roles and passwords, disable users",
  "tokens:manage": "create and revoke enrollment tokens and API tokens",
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
