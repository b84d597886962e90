import { SyncView } from "@/components/sync/sync-view";

export const metadata = { title: "Release sync" };

export default function SyncPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Release sync</h1>
      <SyncView />
    </>
  );
}
