import { createHash } from "node:crypto";

/** The audit fields a row's hash covers (everything but its own id and hash). */
export interface AuditContent {
  at: string; // ISO-8601 with milliseconds
  actorId: string | null;
  actorEmail: string;
  actorRole: string;
  via: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  clientAddr: string | null;
}

export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every depth, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(content)).digest("hex");
}

export interface ChainRow extends AuditContent {
  id: number;
  prevHash: string;
  hash: string;
}

export type ChainVerdict =
  | { ok: true; rows: number }
  | { ok: false; rows: number; brokenAt: number; problem: "content_altered" | "link_broken" };

/**
 * Walks rows in id order. `expectedPrev` is the hash the first row must point at (genesis,
 * or the last verified hash when verifying in pages).
 */
export function verifyChain(rows: Iterable<ChainRow>, expectedPrev = GENESIS_HASH): ChainVerdict {
  let prev = expectedPrev;
  let n = 0;
  for (const row of rows) {
    n++;
    if (row.prevHash !== prev) return { ok: false, rows: n, brokenAt: row.id, problem: "link_broken" };
    const { id: _id, prevHash: _p, hash, ...content } = row;
    if (auditHash(row.prevHash, content) !== hash) {
      return { ok: false, rows: n, brokenAt: row.id, problem: "content_altered" };
    }
    prev = hash;
  }
  return { ok: true, rows: n };
}
