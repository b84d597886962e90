/**
 * Every PostgreSQL advisory lock key Flotilla takes, in one registry: one key per purpose.
 *
 * Advisory locks share one key space per database, so two unrelated jobs given the same key
 * silently exclude each other (a try-lock then skips its run). Keys are listed here and only
 * here; `db/locks.test.ts` fails when a key is used twice or an advisory lock is taken
 * anywhere with a literal key instead of one of these names.
 */
export const LOCK_KEYS = {
  /** Migrations at start: several processes may start together (db/client.ts). */
  migrations: 7_201_604_101,
  /** Appending to the audit hash chain: one writer links at a time (db/queries/audit.ts). */
  auditChain: 7_201_604_102,
  /** Hourly history retention: one process drops and creates day partitions (db/queries/retention.ts). */
  historyRetention: 7_201_604_103,
  /** Folding striped rollup counters back into stripe 0 (db/queries/rollup-compaction.ts). */
  rollupCompaction: 7_201_604_104,
  /** The rollout engine's tick: one process judges rollouts at a time (db/queries/rollouts.ts). */
  rolloutEngine: 7_201_604_105,
  /** Creating the first admin: exactly one, however many processes start (db/queries/users.ts). */
  firstAdmin: 7_201_604_106,
  /** Release sync: claiming due sources and applying an import, one process at a time (db/queries/sync.ts). */
  releaseSync: 7_201_604_107,
} as const satisfies Record<string, number>;

export type LockName = keyof typeof LOCK_KEYS;
