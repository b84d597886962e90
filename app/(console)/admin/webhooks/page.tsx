import { requirePermission } from "@/app/require-permission";
import { WebhooksAdmin } from "@/components/admin/webhooks-admin";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requirePermission("tokens:manage");
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Webhooks</h1>
      <WebhooksAdmin />
    </>
  );
}
