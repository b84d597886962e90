import { describe, expect, it } from "vitest";
import { auditHash, canonicalJson, GENESIS_HASH, verifyChain, type AuditContent, type ChainRow } from "./hash-chain";

function content(i: number): AuditContent {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    actorId: null,
    actorEmail: "a@example.com",
    actorRole: "admin",
    via: "session",
    action: "user.update",
    targetType: "user",
    targetId: String(i),
    before: { role: "viewer", n: i },
    after: { role: "operator", n: i },
    reason: null,
    clientAddr: "127.0.0.1",
  };
}

function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const c = content(i);
    const hash = auditHash(prev, c);
    rows.push({ ...c, id: i, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe("audit hash chain", () => {
  it("canonical JSON ignores key order at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("verifies an untouched chain", () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, rows: 5 });
  });

  it("names the row whose content was altered", () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, after: { role: "admin", n: 3 } };
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAt: 3, problem: "content_altered" });
  });

  it("names the row after a deleted one", () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAt: 3, problem: "link_broken" });
  });

  it("detects a re-hashed row whose successor still points at the old hash", () => {
    const rows = chain(4);
    const forged = { ...rows[1]!, reason: "covered up" };
    rows[1] = { ...forged, hash: auditHash(forged.prevHash, stripRow(forged)) };
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAt: 3, problem: "link_broken" });
  });
});

function stripRow(r: ChainRow): AuditContent {
  const { id: _i, prevHash: _p, hash: _h, ...c } = r;
  return c;
}
