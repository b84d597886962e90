import { requirePermission } from "@/app/require-permission";
import { AuditList } from "@/components/audit/audit-list";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requirePermission("audit:read");
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Audit log</h1>
      <AuditList />
    </>
  );
}
