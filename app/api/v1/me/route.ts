import { permissionsOf } from "@/lib/auth/permissions";
import { route } from "../_lib/handler";

export const GET = route({ permission: "fleet:read" }, async ({ principal }) => ({
  id: principal.userId,
  email: principal.email,
  name: principal.name,
  role: principal.role,
  via: principal.via,
  permissions: permissionsOf(principal.role),
}));
