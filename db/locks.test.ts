import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_KEYS } from "./locks";

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE_DIRS = ["db", "server", "lib", "scripts", "app", "cli", "bench"];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === "node_modules" || entry === "migrations") continue;
      out.push(...sourceFiles(full));
    } else if (/\.(ts|tsx|mjs)$/.test(entry) && !entry.endsWith(".test.ts")) {
      out.push(full);
    }
  }
  return out;
}

describe("advisory lock registry", () => {
  it("gives every purpose its own key", () => {
    const keys = Object.values(LOCK_KEYS);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(dupes).toEqual([]);
  });

  it("is the only place a lock key is written: no advisory lock takes a literal key", () => {
    const offenders: string[] = [];
    for (const dir of SOURCE_DIRS) {
      let files: string[];
      try {
        files = sourceFiles(path.join(ROOT, dir));
      } catch {
        continue;
      }
      for (const file of files) {
        if (file.endsWith(path.join("db", "locks.ts"))) continue;
        const text = readFileSync(file, "utf8");
        // A literal number passed to any pg advisory lock function, or a number in the key range.
        const literalLock = /pg_(?:try_)?advisory_(?:xact_)?(?:un)?lock(?:_shared)?\(\s*\d/.exec(text);
        const keyLiteral = /\b7_?201_?604_?\d{3}\b/.exec(text);
        if (literalLock || keyLiteral) offenders.push(path.relative(ROOT, file));
      }
    }
    expect(offenders).toEqual([]);
  });

  it("keeps history retention and the rollout engine apart (they both fire 10 s after start)", () => {
    expect(LOCK_KEYS.historyRetention).not.toBe(LOCK_KEYS.rolloutEngine);
    expect(LOCK_KEYS.firstAdmin).not.toBe(LOCK_KEYS.rolloutEngine);
  });
});
