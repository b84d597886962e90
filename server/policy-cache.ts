import type { Db } from "@/db/client";
import { loadPolicySnapshot } from "@/db/queries/policy";
import type { PolicySnapshot } from "@/lib/update/policy";

const key = Symbol.for("flotilla.policyCache");

/**
 * The policy snapshot the agent endpoints decide from, refreshed every `ttlMs` (other
 * processes' changes show within that) and at once after a change made in this process.
 */
export class PolicyCache {
  private snapshot: PolicySnapshot | undefined;
  private loadedAt = 0;
  private loading: Promise<PolicySnapshot> | undefined;
  private invalidated = false;
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2_000,
  ) {
    (globalThis as typeof globalThis & { [key]?: PolicyCache })[key] = this;
  }

  async get(): Promise<PolicySnapshot> {
    if (this.snapshot && Date.now() - this.loadedAt < this.ttlMs) return this.snapshot;
    // A stale snapshot is served while one refresh runs; only the first load waits.
    const refresh = this.refresh();
    // After a change in this process, wait for the fresh snapshot: the operator expects it now.
    if (!this.snapshot || this.invalidated) return refresh;
    refresh.catch(() => {}); // the next request retries; the stale snapshot serves meanwhile
    return this.snapshot;
  }

  invalidate(): void {
    this.loadedAt = 0;
    this.invalidated = true;
    this.generation++;
    // A load already running may predate the change: the next caller starts a new one.
    this.loading = undefined;
  }

  private refresh(): Promise<PolicySnapshot> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = loadPolicySnapshot(this.db)
      .then((s) => {
        if (generation === this.generation) {
          this.snapshot = s;
          this.loadedAt = Date.now();
          this.invalidated = false;
        }
        return s;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    this.loading = loading;
    return loading;
  }
}

/** Called by operator mutations (in the Next bundle) so this process sees them at once. */
export function invalidatePolicy(): void {
  (globalThis as typeof globalThis & { [key]?: PolicyCache })[key]?.invalidate();
}
