import { z } from "zod";
import { agentText, maxLength } from "../agent/field-bounds";
import { GROUP_NAME, GROUP_NAME_RULE } from "../agent/native-report";
import { normalizeArch } from "../agent/machine-id";
import type { ChannelInfo, ReleaseInfo } from "../update/policy";
import { compareVersions } from "../update/version";

const PREFIX = "org.fedoraproject.coreos.";

export interface GraphNode {
  version: string;
  payload: string;
  metadata: Record<string, string>;
}

export interface Graph {
  nodes: GraphNode[];
  edges: Array<[number, number]>;
}

/** Zincati's query parameters; `basearch` and `stream` are required. */
export const GraphQuerySchema = z.object({
  basearch: z.string().min(1, "required").max(maxLength("arch")).regex(/^[a-z0-9_]+$/, "must be an architecture like x86_64"),
  stream: z.string().min(1, "required").max(maxLength("group")).regex(GROUP_NAME, GROUP_NAME_RULE),
  os_version: z.string().max(maxLength("version")).regex(/^[0-9A-Za-z.+_~-]*$/).optional(),
  os_checksum: z.string().max(maxLength("deploymentId")).regex(/^[0-9a-fA-F]*$/, "must be hex").optional(),
  group: z.string().max(maxLength("group")).regex(GROUP_NAME, GROUP_NAME_RULE).default("default"),
  node_uuid: z.string().max(maxLength("machineId")).regex(/^[0-9a-fA-F-]*$/, "must be hex").optional(),
  platform: z.string().regex(/^[a-z0-9_-]*$/i).pipe(agentText("platform")).optional(),
  rollout_wariness: z.coerce.number().min(0).max(1).optional(),
});
export type GraphQuery = z.output<typeof GraphQuerySchema>;

export function graphArch(basearch: string): string {
  return normalizeArch(basearch);
}

/** A stable wariness in [0, 1) from the node id, for clients that send none (FNV-1a). */
export function derivedWariness(nodeUuid: string): number {
  let h = 0x811c9dc5;
  for (const ch of nodeUuid.toLowerCase()) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

/** Share of the fleet a throttled rollout has reached at `now` (1 when not throttled). */
export function rolloutReach(channel: ChannelInfo, now: Date): number {
  if (!channel.rolloutStartedAt || channel.rolloutDurationMinutes <= 0) return 1;
  const elapsed = (now.getTime() - channel.rolloutStartedAt.getTime()) / 60_000;
  const progress = Math.min(1, Math.max(0, elapsed / channel.rolloutDurationMinutes));
  return channel.rolloutStartValue + (1 - channel.rolloutStartValue) * progress;
}

export interface GraphInput {
  /** The stream's releases for the client's arch (any order). */
  releases: ReleaseInfo[];
  channel: ChannelInfo | null;
  /** The client's wariness (sent, or derived from node_uuid). */
  wariness: number;
  now: Date;
  /** The version edges lead to: a pin's, else the channel target's (releases are per arch). */
  targetVersion: string | null;
  /** True when `targetVersion` comes from a pin: no wariness throttling applies to it. */
  pinned?: boolean;
}

/**
 * The update graph one Zincati client sees. The edge set is the policy: every release below
 * the channel target gets an edge to it (or to the first barrier on the way), a paused or
 * target-less channel serves no edges, a pin serves edges only to the pinned release, a dead
 * end has no way out, and during a throttled rollout the edges to the target are hidden from
 * clients warier than the rollout's reach.
 */
export function buildGraph(input: GraphInput): Graph {
  const releases = input.releases.filter((r) => r.ostreeChecksum).sort((a, b) => compareVersions(a.version, b.version));
  const target = input.targetVersion ? releases.find((r) => r.version === input.targetVersion) : undefined;
  const pinned = input.pinned === true;
  const nodes: GraphNode[] = releases.map((r, i) => ({
    version: r.version,
    payload: r.ostreeChecksum!,
    metadata: {
      [`${PREFIX}scheme`]: "checksum",
      [`${PREFIX}releases.age_index`]: String(i),
      ...(r.barrier ? { [`${PREFIX}updates.barrier`]: "true", [`${PREFIX}updates.barrier_reason`]: r.barrierReason ?? "barrier release" } : {}),
      // A recalled release is a dead end: Zincati warns on hosts that run it.
      ...(r.deadend || r.recalled ? { [`${PREFIX}updates.deadend`]: "true", [`${PREFIX}updates.deadend_reason`]: r.recalled ? `recalled: ${r.recalled}` : (r.deadendReason ?? "dead-end release") } : {}),
    },
  }));
  const edges: Array<[number, number]> = [];
  const channel = input.channel;
  if (!channel || channel.paused || !target || target.recalled) return { nodes, edges };
  const targetIndex = releases.indexOf(target);
  // A pin is an operator's explicit choice: no wariness throttling applies to it.
  const throttled = !pinned && channel.rolloutStartedAt !== null && channel.rolloutDurationMinutes > 0;
  if (throttled) {
    const meta = nodes[targetIndex]!.metadata;
    meta[`${PREFIX}updates.rollout`] = "true";
    meta[`${PREFIX}updates.start_epoch`] = String(Math.floor(channel.rolloutStartedAt!.getTime() / 1000));
    meta[`${PREFIX}updates.start_value`] = String(channel.rolloutStartValue);
    meta[`${PREFIX}updates.duration_minutes`] = String(channel.rolloutDurationMinutes);
  }
  const targetVisible = !throttled || input.wariness <= rolloutReach(channel, input.now);
  for (let i = 0; i < targetIndex; i++) {
    if (releases[i]!.deadend || releases[i]!.recalled) continue;
    // The first barrier above this node (and at or below the target) is as far as it may go.
    let to = targetIndex;
    for (let j = i + 1; j < targetIndex; j++) {
      if (releases[j]!.barrier) {
        to = j;
        break;
      }
    }
    if (to === targetIndex && !targetVisible) continue;
    edges.push([i, to]);
  }
  return { nodes, edges };
}

/** Zincati's own choice from a graph (used by tests and the simulator): the newest target. */
export function nextUpdate(graph: Graph, bootedChecksum: string): GraphNode | null {
  const from = graph.nodes.findIndex((n) => n.payload === bootedChecksum);
  if (from === -1) return null;
  const targets = graph.edges.filter(([f]) => f === from).map(([, t]) => graph.nodes[t]!);
  targets.sort((a, b) => Number(b.metadata[`${PREFIX}releases.age_index`]) - Number(a.metadata[`${PREFIX}releases.age_index`]));
  return targets[0] ?? null;
}
