import { ReleasesView } from "@/components/fleet/releases-view";

export const metadata = { title: "Releases" };

export default function ReleasesPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Releases</h1>
      <ReleasesView />
    </>
  );
}
