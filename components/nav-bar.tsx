"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { postJson } from "./queries/api";
import { useCan, useSession } from "./session-context";

const LINKS = [
  { href: "/", label: "Overview", permission: "fleet:read" },
  { href: "/hosts", label: "Hosts", permission: "fleet:read" },
  { href: "/history", label: "History", permission: "fleet:read" },
  { href: "/groups", label: "Groups & channels", permission: "fleet:read" },
  { href: "/releases", label: "Releases", permission: "fleet:read" },
  { href: "/sync", label: "Release sync", permission: "fleet:read" },
  { href: "/rollouts", label: "Rollouts", permission: "fleet:read" },
  { href: "/pins", label: "Pins", permission: "fleet:read" },
  { href: "/reboots", label: "Reboot slots", permission: "fleet:read" },
  { href: "/configs", label: "Ignition", permission: "fleet:read" },
  { href: "/approvals", label: "Approvals", permission: "fleet:read" },
  { href: "/audit", label: "Audit log", permission: "audit:read" },
  { href: "/admin/users", label: "Users", permission: "users:manage" },
  { href: "/admin/tokens", label: "Tokens", permission: "tokens:manage" },
  { href: "/admin/webhooks", label: "Webhooks", permission: "tokens:manage" },
] as const;

export function NavBar() {
  const session = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const canUsers = useCan("users:manage");
  const canTokens = useCan("tokens:manage");
  const visible = LINKS.filter((l) => (l.permission === "users:manage" ? canUsers : l.permission === "tokens:manage" ? canTokens : true));

  async function signOut() {
    await postJson("/api/v1/auth/logout", {});
    router.replace("/login");
    router.refresh();
  }

  return (
    <header className="border-b border-slate-200 bg-white">
      <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-brand">
          Flotilla
        </Link>
        <ul className="flex flex-1 gap-4 text-sm">
          {visible.map((l) => {
            const active = l.href === "/" ? pathname === "/" : pathname.startsWith(l.href);
            return (
              <li key={l.href}>
                <Link href={l.href} aria-current={active ? "page" : undefined} className={active ? "font-semibold text-brand" : "text-slate-600 hover:text-slate-900"}>
                  {l.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <span className="text-sm text-slate-600">
          {session.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{session.role}</span>
        </span>
        <button type="button" onClick={() => void signOut()} className="text-sm text-slate-600 underline hover:text-slate-900">
          Sign out
        </button>
      </nav>
    </header>
  );
}
