import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../client";
import { oidcFlows, sessions, users } from "../schema/auth";
import { appendAudit, type Actor } from "./audit";
import { createSession } from "./sessions";
import type { OidcFlowChecks, OidcIdentity } from "@/lib/auth/oidc-client";
import { hashToken } from "@/lib/auth/tokens";

const FLOW_TTL_MS = 10 * 60_000;

/** Remembers an authorization request; returns the cookie value that names it. */
export async function startOidcFlow(db: Db, checks: OidcFlowChecks, returnTo: string): Promise<string> {
  const cookie = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    await tx.delete(oidcFlows).where(lt(oidcFlows.createdAt, new Date(Date.now() - FLOW_TTL_MS)));
    await tx.insert(oidcFlows).values({ id: hashToken(cookie), state: checks.state, nonce: checks.nonce, codeVerifier: checks.codeVerifier, returnTo });
  });
  return cookie;
}

/** Takes a flow once: a replayed callback or one older than ten minutes finds nothing. */
export async function takeOidcFlow(db: Db, cookie: string): Promise<(OidcFlowChecks & { returnTo: string }) | null> {
  const [row] = await db
    .delete(oidcFlows)
    .where(and(eq(oidcFlows.id, hashToken(cookie)), gt(oidcFlows.createdAt, new Date(Date.now() - FLOW_TTL_MS))))
    .returning();
  return row ? { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier, returnTo: row.returnTo } : null;
}

export type OidcSignIn =
  | { ok: true; user: { id: string; email: string; name: string; role: string }; session: { token: string; expiresAt: Date } }
  | { ok: false; reason: "no_role" | "disabled" | "no_email" | "local_account_exists"; message: string };

function ssoActor(email: string, role: string, clientAddr: string | null, userId: string | null): Actor {
  return { userId, email, role, via: "session", clientAddr };
}

/**
 * Signs a person in from what their identity provider vouched for. The provider is the source
 * of truth for the role at every sign-in: a changed group changes the role (audited with
 * before and after), and no mapped group ends every session of that user and refuses access.
 * Local accounts are never taken over by an SSO identity with the same e-mail: those stay the
 * break-glass way in.
 */
export async function signInWithOidc(
  db: Db,
  identity: OidcIdentity,
  meta: { clientAddr: string | null; userAgent: string | null; ttlMs: number },
): Promise<OidcSignIn> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(eq(users.oidcSubject, identity.subject)).for("update");
    const email = identity.email ?? existing?.email ?? null;
    const actorEmail = email ?? identity.subject;
    if (identity.role === null) {
      if (existing) {
        await tx.delete(sessions).where(eq(sessions.userId, existing.id));
      }
      await appendAudit(tx, ssoActor(actorEmail, existing?.role ?? "none", meta.clientAddr, existing?.id ?? null), {
        action: "auth.sso_denied",
        targetType: "user",
        targetId: existing?.id ?? identity.subject,
        after: { reason: "no mapped role", claimValues: identity.claimValues, sessionsEnded: existing !== undefined },
      });
      return { ok: false, reason: "no_role", message: "your identity provider grants you no Flotilla role" };
    }
    if (existing?.disabledAt) {
      await appendAudit(tx, ssoActor(actorEmail, existing.role, meta.clientAddr, existing.id), { action: "auth.sso_denied", targetType: "user", targetId: existing.id, after: { reason: "user disabled" } });
      return { ok: false, reason: "disabled", message: "this account is disabled in Flotilla" };
    }
    let user = existing;
    if (!user) {
      if (!email) return { ok: false, reason: "no_email", message: "the identity provider sent no e-mail address (add the email scope)" };
      const [clash] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (clash) {
        await appendAudit(tx, ssoActor(email, identity.role, meta.clientAddr, null), { action: "auth.sso_denied", targetType: "user", targetId: clash.id, after: { reason: "a local account has this e-mail" } });
        return { ok: false, reason: "local_account_exists", message: `a local account uses ${email}; an administrator must remove or rename it first` };
      }
      [user] = await tx.insert(users).values({ email, name: identity.name, passwordHash: "", role: identity.role, oidcSubject: identity.subject }).returning();
      await appendAudit(tx, ssoActor(email, identity.role, meta.clientAddr, user!.id), {
        action: "user.create",
        targetType: "user",
        targetId: user!.id,
        after: { email, name: identity.name, role: identity.role, via: "oidc", claimValues: identity.claimValues },
      });
    } else if (user.role !== identity.role || (email && user.email !== email) || user.name !== identity.name) {
      const before = { email: user.email, name: user.name, role: user.role };
      [user] = await tx
        .update(users)
        .set({ role: identity.role, name: identity.name, ...(email ? { email } : {}), updatedAt: new Date() })
        .where(eq(users.id, user.id))
        .returning();
      // A role the provider took away must not live on in an older session.
      if (before.role !== identity.role) await tx.delete(sessions).where(eq(sessions.userId, user!.id));
      await appendAudit(tx, ssoActor(user!.email, identity.role, meta.clientAddr, user!.id), {
        action: "user.update",
        targetType: "user",
        targetId: user!.id,
        before,
        after: { email: user!.email, name: user!.name, role: user!.role, via: "oidc", claimValues: identity.claimValues },
      });
    }
    const u = user!;
    const session = await createSession(tx, u.id, meta.ttlMs, { clientAddr: meta.clientAddr, userAgent: meta.userAgent });
    await appendAudit(tx, ssoActor(u.email, u.role, meta.clientAddr, u.id), { action: "auth.login", targetType: "user", targetId: u.id, after: { via: "oidc" } });
    return { ok: true, user: { id: u.id, email: u.email, name: u.name, role: u.role }, session };
  });
}
