import { GroupsView } from "@/components/fleet/groups-view";

export const metadata = { title: "Groups & channels" };

export default function GroupsPage() {
  return (
    <>
      <h1 className="mb-4 text-2xl font-semibold">Groups &amp; channels</h1>
      <GroupsView />
    </>
  );
}
