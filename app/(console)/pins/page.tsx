import { PinsView } from "@/components/fleet/pins-view";

export const metadata = { title: "Pins" };

export default function PinsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Pins</h1>
      <PinsView />
    </>
  );
}
