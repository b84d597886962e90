import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Prefixes make a leaked token recognisable (secret scanners, logs) and its kind obvious. */
export const TOKEN_PREFIX = { session: "fls_", api: "fla_", enrollment: "fle_", setup: "flu_" } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

export function newToken(kind: TokenKind): string {
  return TOKEN_PREFIX[kind] + randomBytes(32).toString("base64url");
}

/** Tokens are 256-bit random, so a fast hash is enough; only the hash is stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}

export function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
