import { ConfigsList } from "@/components/ignition/configs-list";

export const metadata = { title: "Ignition configs" };

export default function IgnitionPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Ignition configs</h1>
      <ConfigsList />
    </>
  );
}
