import { ApprovalsList } from "@/components/approvals/approvals-list";

export const metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Approvals</h1>
      <ApprovalsList />
    </>
  );
}
