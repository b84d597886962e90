import { forbidden, redirect } from "next/navigation";
import { currentPrincipal } from "@/app/api/v1/_lib/auth";
import { can, type Permission } from "@/lib/auth/permissions";

/** Server-side page guard: 403 page for a signed-in user without the permission. */
export async function requirePermission(permission: Permission) {
  const p = await currentPrincipal();
  if (!p) redirect("/login");
  if (!can(p.role, permission)) forbidden();
  return p;
}
