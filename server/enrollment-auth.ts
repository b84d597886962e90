import type { Db } from "@/db/client";
import { activeEnrollmentTokenHashes } from "@/db/queries/tokens";
import { hashToken, sameSecret } from "@/lib/auth/tokens";

/**
 * Checks agent bearer tokens without a database round trip per report: the set of active
 * token hashes is cached and refreshed every few seconds (a revoked token stops working
 * within `ttlMs`). An unknown token triggers at most four refreshes a second, so a flood of
 * bad tokens cannot become a flood of queries.
 */
const MIN_REFRESH_MS = 250;

export class EnrollmentAuth {
  private hashes = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly staticToken: string | undefined,
    private readonly ttlMs = 5_000,
  ) {}

  async check(authorization: string | undefined): Promise<boolean> {
    const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!m) return false;
    const token = m[1]!;
    if (this.staticToken && sameSecret(token, this.staticToken)) return true;
    const h = hashToken(token);
    const age = Date.now() - this.loadedAt;
    if (age > this.ttlMs || (!this.hashes.has(h) && age > MIN_REFRESH_MS)) await this.refresh();
    return this.hashes.has(h);
  }

  private refresh(): Promise<void> {
    this.loading ??= activeEnrollmentTokenHashes(this.db)
      .then((list) => {
        this.hashes = new Set(list);
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
