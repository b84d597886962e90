import { recordFailedVersion, type FailureReport } from "@/db/queries/failed-versions";
import { failedVersionsFor, type PolicySnapshot } from "@/lib/update/policy";
import type { AgentDeps } from "./agent-http";

/**
 * A report says the host's update failed to boot: record which version (the one it was last
 * offered) and return the versions now blocked on the host for this very decision. Rare, so
 * the write is not batched; a new block refreshes this process's snapshot at once.
 */
export async function noteBootFailure(deps: AgentDeps, policy: PolicySnapshot, f: FailureReport): Promise<ReadonlySet<string> | undefined> {
  const version = await recordFailedVersion(deps.database.db, f);
  if (version && !policy.failedVersions?.get(f.hostId)?.has(version)) deps.policy.invalidate();
  return failedVersionsFor(policy, f.hostId, version);
}
