import { z } from "zod";
import { agentText, maxLength } from "../agent/field-bounds";
import { GROUP_NAME, GROUP_NAME_RULE } from "../agent/native-report";
import { normalizeArch } from "../agent/machine-id";
import type { ChannelInfo, ReleaseInfo } from "../update/policy";
import { compareVersions } from "../update/version";
import { isPullspecError, parsePullspec, PULLSPEC_MAX } from "./oci";

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

/**
 * Zincati's query parameters; `basearch` and `stream` are required. A host booted from an OCI
 * image adds `oci=true` and sends its image pullspec as `os_checksum` (zincati
 * src/identity/mod.rs:141-148); fedora-coreos-cincinnati reads `oci` as a boolean
 * (fcos-policy-engine/src/main.rs:133, serde: only `true`/`false`) and serves that host the OCI
 * graph (commons/src/graph.rs:40-57).
 */
export const GraphQuerySchema = z
  .object({
    basearch: z.string().min(1, "required").max(maxLength("arch")).regex(/^[a-z0-9_]+$/, "must be an architecture like x86_64"),
    stream: z.string().min(1, "required").max(maxLength("group")).regex(GROUP_NAME, GROUP_NAME_RULE),
    os_version: z.string().max(maxLength("version")).regex(/^[0-9A-Za-z.+_~-]*$/).optional(),
    os_checksum: z.string().max(PULLSPEC_MAX).optional(),
    oci: z
      .enum(["true", "false"], "must be true or false")
      .optional()
      .transform((v) => v === "true"),
    group: z.string().max(maxLength("group")).regex(GROUP_NAME, GROUP_NAME_RULE).default("default"),
    node_uuid: z.string().max(maxLength("machineId")).regex(/^[0-9a-fA-F-]*$/, "must be hex").optional(),
    platform: z.string().regex(/^[a-z0-9_-]*$/i).pipe(agentText("platform")).optional(),
    rollout_wariness: z.coerce.number().min(0).max(1).optional(),
  })
  .transform((q, ctx) => {
    if (q.os_checksum === undefined || q.os_checksum === "") return q;
    if (q.oci) {
      // Kept as sent: Zincati compares it with node payloads byte for byte.
      const spec = parsePullspec(q.os_checksum);
      if (isPullspecError(spec)) ctx.addIssue({ code: "custom", path: ["os_checksum"], message: `with oci=true, an image pullspec: ${spec.error}` });
      return q;
    }
    if (!/^[0-9a-fA-F]{1,128}$/.test(q.os_checksum)) ctx.addIssue({ code: "custom", path: ["os_checksum"], message: "must be hex (an OSTree commit; send oci=true with an image pullspec)" });
    return { ...q, os_checksum: q.os_checksum.toLowerCase() };
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
  /** The OCI graph (`oci=true`): nodes are the releases with an image pullspec, the payload is that pullspec. */
  oci?: boolean;
}

/** What a node carries in the client's graph: the OSTree commit, or in the OCI graph the image pullspec. */
export function releasePayload(r: ReleaseInfo, oci: boolean): string | null {
  return oci ? r.ociPullspec : r.ostreeChecksum;
}

/**
 * The update graph one Zincati client sees. The edge set is the policy: every release below
 * the channel target gets an edge to it (or to the first barrier on the way), a paused or
 * target-less channel serves no edges, a pin serves edges only to the pinned release, a dead
 * end has no way out, and during a throttled rollout the edges to the target are hidden from
 * clients warier than the rollout's reach.
 */
export function buildGraph(input: GraphInput): Graph {
  const oci = input.oci === true;
  // Like fedora-coreos-cincinnati (commons/src/graph.rs:40-85): a release without a payload
  // of the graph's kind for this arch is left out of it.
  const releases = input.releases.filter((r) => releasePayload(r, oci)).sort((a, b) => compareVersions(a.version, b.version));
  const target = input.targetVersion ? releases.find((r) => r.version === input.targetVersion) : undefined;
  const pinned = input.pinned === true;
  const nodes: GraphNode[] = releases.map((r, i) => ({
    version: r.version,
    payload: releasePayload(r, oci)!,
    metadata: {
      [`${PREFIX}scheme`]: oci ? "oci" : "checksum",
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

const ageIndex = (n: GraphNode) => Number(n.metadata[`${PREFIX}releases.age_index`]);

/**
 * Zincati's own choice from a graph (zincati src/cincinnati/mod.rs:216-318): find the booted
 * node by payload (`is_same_checksum`, :339-357: the node's scheme decides, the comparison is
 * exact), take the edge targets, the highest age_index wins, and never a downgrade. Used by
 * the graph endpoint (is there an offer?), tests and the simulator.
 */
export function nextUpdate(graph: Graph, bootedPayload: string): GraphNode | null {
  const from = graph.nodes.findIndex((n) => n.payload === bootedPayload);
  if (from === -1) return null;
  const targets = graph.edges.filter(([f]) => f === from).map(([, t]) => graph.nodes[t]!);
  targets.sort((a, b) => ageIndex(b) - ageIndex(a));
  const next = targets[0];
  if (!next || ageIndex(next) <= ageIndex(graph.nodes[from]!)) return null;
  return next;
}

/**
 * Why a host finds no update in its graph, in words an operator can act on: its booted
 * payload is not in the catalog, it runs a dead end, its stream has nothing newer for it, or
 * a throttled rollout has not reached it yet.
 */
export function explainNoEdge(input: GraphInput, graph: Graph, bootedPayload: string | null): string {
  const oci = input.oci === true;
  const kind = oci ? "image pullspec" : "OSTree checksum";
  if (!bootedPayload) return `the host sent no ${kind} (os_checksum): Zincati cannot find its booted release in any graph`;
  const from = graph.nodes.findIndex((n) => n.payload === bootedPayload);
  if (from === -1) {
    const known = input.releases.find((r) => r.ostreeChecksum === bootedPayload || r.ociPullspec === bootedPayload);
    if (known && oci) return `booted release ${known.version} has no OCI image pullspec for ${known.arch} in the catalog: add it to the release so this host is in the OCI graph`;
    return `booted ${kind} ${bootedPayload} is not in the catalog for this stream and architecture: Zincati finds no update until a release with it is added`;
  }
  const node = graph.nodes[from]!;
  if (node.metadata[`${PREFIX}updates.deadend`] === "true") return `booted release ${node.version} is a dead end: ${node.metadata[`${PREFIX}updates.deadend_reason`] ?? "no reason given"}`;
  const channel = input.channel;
  const target = input.targetVersion;
  if (!channel || !target) return "no target release for this host";
  if (compareVersions(node.version, target) >= 0) return `on ${node.version}, not older than the target ${target}`;
  if (!graph.nodes.some((n) => n.version === target)) return `the target ${target} has no ${oci ? "OCI image" : "OSTree commit"} for this architecture in the catalog`;
  if (channel.rolloutStartedAt && channel.rolloutDurationMinutes > 0 && input.pinned !== true) {
    const reach = rolloutReach(channel, input.now);
    if (input.wariness > reach) return `throttled rollout of ${target} has reached ${Math.round(reach * 100)}% of hosts; this host's wariness ${input.wariness.toFixed(2)} is above it`;
  }
  return `no edge from ${node.version} towards ${target}`;
}
