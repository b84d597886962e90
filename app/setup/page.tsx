import { SetupForm } from "@/components/auth/setup-form";

export const metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="mb-2 text-xl font-semibold">Create the first admin</h1>
      {token ? <SetupForm token={token} /> : <p className="text-sm text-slate-600">Open the setup link Flotilla printed in its log at first start.</p>}
    </main>
  );
}
