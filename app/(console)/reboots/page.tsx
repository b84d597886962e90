import { RebootSlots } from "@/components/fleet/reboot-slots";

export const metadata = { title: "Reboot slots" };

export default function RebootsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Reboot slots (FleetLock)</h1>
      <RebootSlots />
    </>
  );
}
