import { ConfigWorkspace } from "@/components/ignition/config-workspace";

export const metadata = { title: "Ignition config" };

export default async function ConfigPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <ConfigWorkspace configId={decodeURIComponent(name)} />;
}
