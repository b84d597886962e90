import { Overview } from "@/components/fleet/overview";

export const metadata = { title: "Fleet overview" };

export default function OverviewPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Fleet overview</h1>
      <Overview />
    </>
  );
}
