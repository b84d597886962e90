"use client";

import { createContext, useContext } from "react";
import type { Permission, Role } from "@/lib/auth/permissions";

export interface SessionInfo {
  email: string;
  name: string;
  role: Role;
  permissions: readonly Permission[];
}

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({ value, children }: { value: SessionInfo; children: React.ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionInfo {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside the signed-in layout");
  return s;
}

/** UI affordance only; the server authorizes every request itself. */
export function useCan(permission: Permission): boolean {
  return useSession().permissions.includes(permission);
}
