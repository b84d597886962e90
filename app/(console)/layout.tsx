import { redirect } from "next/navigation";
import { currentPrincipal } from "@/app/api/v1/_lib/auth";
import { DbStatusBanner } from "@/components/db-status-banner";
import { DbUnavailable } from "@/components/db-unavailable";
import { isUnavailableError } from "@/lib/db-errors";
import { NavBar } from "@/components/nav-bar";
import { SessionProvider } from "@/components/session-context";
import { permissionsOf } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  let p: Awaited<ReturnType<typeof currentPrincipal>>;
  try {
    p = await currentPrincipal();
  } catch (err) {
    // Without the database there is no session to check: say so rather than fail with a 500.
    if (isUnavailableError(err)) return <DbUnavailable />;
    throw err;
  }
  if (!p) redirect("/login");
  const session = { email: p.email, name: p.name, role: p.role, permissions: permissionsOf(p.role) };
  return (
    <SessionProvider value={session}>
      <DbStatusBanner />
      <NavBar />
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </SessionProvider>
  );
}
