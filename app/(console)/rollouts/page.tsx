import { RolloutsList } from "@/components/rollouts/rollouts-list";

export const metadata = { title: "Rollouts" };

export default function RolloutsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Rollouts</h1>
      <RolloutsList />
    </>
  );
}
