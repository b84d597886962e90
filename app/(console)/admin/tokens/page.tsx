import { requirePermission } from "@/app/require-permission";
import { TokensAdmin } from "@/components/admin/tokens-admin";

export const metadata = { title: "Tokens" };

export default async function TokensPage() {
  await requirePermission("tokens:manage");
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Tokens</h1>
      <TokensAdmin />
    </>
  );
}
