import { PERMISSION_MEANING, ROLES, can, type Permission } from "./permissions";

/** The README's role × permission table, generated from GRANTS (lib/auth/permissions.ts). */
export function accessControlTable(): string {
  const header = `| permission | allows | ${ROLES.join(" | ")} |`;
  const rule = `|---|---|${ROLES.map(() => ":-:").join("|")}|`;
  const rows = (Object.keys(PERMISSION_MEANING) as Permission[]).map(
    (p) => `| \`${p}\` | ${PERMISSION_MEANING[p]} | ${ROLES.map((r) => (can(r, p) ? "✓" : "—")).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}
