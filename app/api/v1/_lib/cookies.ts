import type { NextRequest } from "next/server";
import { env } from "@/lib/config/env";

/** httpOnly + SameSite=Lax always; Secure when served over TLS (or forced by config). */
export function sessionCookieOptions(req: NextRequest, expires: Date) {
  const setting = env().FLOTILLA_SECURE_COOKIES;
  const tls = req.headers.get("x-forwarded-proto") === "https" || req.nextUrl.protocol === "https:" || (env().FLOTILLA_PUBLIC_URL ?? "").startsWith("https:");
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: setting === "true" || (setting === "auto" && tls),
    path: "/",
    expires,
  };
}
