import { Suspense } from "react";
import { HostList } from "@/components/fleet/host-list";

export const metadata = { title: "Hosts" };

export default function HostsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Hosts</h1>
      <Suspense>
        <HostList />
      </Suspense>
    </>
  );
}
