import { eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { loginThrottle } from "../schema/auth";
import { afterFailure, lockedFor, LOGIN_THROTTLE, LOGIN_THROTTLE_PER_ADDRESS } from "@/lib/auth/throttle";

/**
 * Failures are counted per (account, client address) and per client address, never per account
 * alone: five anonymous bad passwords used to lock any account, the admin's included, for
 * everyone. Now they lock that account only from the address that sent them, and an address
 * that sprays many accounts is locked as a whole. (`login_throttle.email` holds these keys.)
 */
function keys(email: string, clientAddr: string | null): { pair: string; address: string } {
  const addr = clientAddr ?? "unknown";
  return { pair: `pair:${addr}:${email}`, address: `addr:${addr}` };
}

/** Seconds sign-in is locked out for this e-mail from this address (0: may try). */
export async function signInLockedFor(db: Db, email: string, clientAddr: string | null, now = new Date()): Promise<number> {
  const k = keys(email, clientAddr);
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.email, [k.pair, k.address]));
  return Math.max(0, ...rows.map((r) => lockedFor(r, now)));
}

export async function recordSignInFailure(db: Db, email: string, clientAddr: string | null, now = new Date()): Promise<number> {
  const k = keys(email, clientAddr);
  return db.transaction(async (tx) => {
    let locked = 0;
    // Key order is fixed, so two concurrent failures cannot deadlock.
    for (const [key, rule] of [
      [k.address, LOGIN_THROTTLE_PER_ADDRESS],
      [k.pair, LOGIN_THROTTLE],
    ] as const) {
      await tx.insert(loginThrottle).values({ email: key, failures: 0, windowStart: now }).onConflictDoNothing();
      const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.email, key)).for("update");
      const next = afterFailure(row ?? null, now, rule);
      await tx.update(loginThrottle).set(next).where(eq(loginThrottle.email, key));
      locked = Math.max(locked, lockedFor(next, now));
    }
    return locked;
  });
}

/** A successful sign-in clears its account's failures from that address (not the address's own count). */
export async function clearSignInFailures(db: Db, email: string, clientAddr: string | null): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.email, keys(email, clientAddr).pair));
}
