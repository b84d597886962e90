import { Suspense } from "react";
import { HistoryView } from "@/components/history/history-view";

export const metadata = { title: "Update history" };

export default function HistoryPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Update history</h1>
      <Suspense>
        <HistoryView />
      </Suspense>
    </>
  );
}
