import { requirePermission } from "@/app/require-permission";
import { UsersAdmin } from "@/components/admin/users-admin";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  await requirePermission("users:manage");
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Users</h1>
      <UsersAdmin />
    </>
  );
}
