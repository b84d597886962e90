// FCOS sync: read Fedora CoreOS stream metadata and the upstream update graph (OSTree and OCI
// scopes) and turn them into releases with barriers, dead ends, checksums and pullspecs. Pure.
import { z } from "zod";
import { NewReleaseSchema, type NewRelease } from "../operator/release-schemas";
import { SyncError } from "./errors";


/** Flotilla's arch names to FCOS basearch (the graph's `basearch`, the stream's architectures keys). */
export function fcosBasearch(arch: string): string {
  const map: Record<string, string> = { amd64: "x86_64", arm64: "aarch64", ppc64le: "ppc64le", s390x: "s390x" };
  const b = map[arch];
  if (!b) throw new SyncError("config", `Fedora CoreOS has no basearch for ${arch}`);
  return b;
}

/** The graph query a Zincati host on `stream` sends, optionally for the OCI scope (`oci=true`). */
export function fcosGraphUrl(graphUrl: string, stream: string, arch: string, oci: boolean): string {
  const u = new URL(graphUrl);
  u.searchParams.set("basearch", fcosBasearch(arch));
  u.searchParams.set("stream", stream);
  if (oci) u.searchParams.set("oci", "true");
  return u.toString();
}

// Stream metadata: `{stream, metadata, architectures: {<basearch>: {artifacts: {<platform>: {release, formats}}, images}}}`
// (coreos-stream-metadata's Stream / Arch / Platform).
const StreamSchema = z.object({
  stream: z.string(),
  architectures: z.record(z.string(), z.object({ artifacts: z.record(z.string(), z.object({ release: z.string().min(1) })) })),
});

/** The release the stream currently ships for an arch (every platform's artifacts agree on it). */
export function parseStreamMetadata(json: unknown, stream: string, arch: string): { current: string } {
  const parsed = StreamSchema.safeParse(json);
  if (!parsed.success) throw new SyncError("garbage", `stream metadata is not FCOS stream metadata (${issues(parsed.error)})`);
  if (parsed.data.stream !== stream) throw new SyncError("garbage", `stream metadata is for stream "${parsed.data.stream}", not "${stream}"`);
  const basearch = fcosBasearch(arch);
  const a = parsed.data.architectures[basearch];
  if (!a) throw new SyncError("garbage", `stream ${stream} lists no ${basearch} artifacts`);
  const versions = [...new Set(Object.values(a.artifacts).map((p) => p.release))];
  if (versions.length !== 1) throw new SyncError("garbage", `stream ${stream} ${basearch} artifacts disagree on the release (${versions.join(", ") || "none"})`);
  return { current: versions[0]! };
}

// Graph: `{nodes: [{version, payload, metadata: {string: string}}], edges: [[from, to]]}`
// (fedora-coreos-cincinnati commons/src/graph.rs CincinnatiPayload / Graph).
const GraphSchema = z.object({
  nodes: z.array(z.object({ version: z.string().min(1), payload: z.string(), metadata: z.record(z.string(), z.string()) })),
  edges: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])),
});

const K = "org.fedoraproject.coreos.";

export interface FcosNode {
  version: string;
  payload: string;
  barrier: string | null;
  deadend: string | null;
}

/** Reads a graph document; `scheme` is what the payloads must be (commit checksums or OCI pullspecs). */
export function parseGraph(json: unknown, scheme: "checksum" | "oci"): FcosNode[] {
  const parsed = GraphSchema.safeParse(json);
  if (!parsed.success) throw new SyncError("garbage", `update graph is not a Cincinnati graph (${issues(parsed.error)})`);
  const { nodes, edges } = parsed.data;
  for (const [from, to] of edges) if (from >= nodes.length || to >= nodes.length) throw new SyncError("garbage", "update graph has an edge to a node it does not list");
  return nodes.map((n) => {
    const s = n.metadata[`${K}scheme`];
    if (s !== undefined && s !== scheme) throw new SyncError("garbage", `graph node ${n.version} has scheme "${s}", expected "${scheme}"`);
    if (scheme === "checksum" && !/^[0-9a-f]{64}$/.test(n.payload)) throw new SyncError("garbage", `graph node ${n.version}: payload is not an OSTree commit checksum`);
    if (scheme === "oci" && !/^[a-z0-9.-]+(?::\d+)?\/[^\s@]+@sha256:[0-9a-f]{64}$/.test(n.payload)) throw new SyncError("garbage", `graph node ${n.version}: payload is not an image pullspec by digest`);
    const flag = (name: string) => (n.metadata[`${K}updates.${name}`] === "true" ? (n.metadata[`${K}updates.${name}_reason`] ?? "") : null);
    return { version: n.version, payload: n.payload, barrier: flag("barrier"), deadend: flag("deadend") };
  });
}

export interface FcosFindings {
  current: string;
  releases: NewRelease[];
  flags: Map<string, { barrier: boolean; barrierReason: string | null; deadend: boolean; deadendReason: string | null; ociPullspec: string | null }>;
}

/**
 * Every release the graph lists for the arch (older ones too: hosts on them need their node),
 * with its checksum, the OCI pullspec the OCI scope gives the same version, and the flags.
 */
export function fcosReleases(opts: { stream: { current: string }; graph: FcosNode[]; ociGraph: FcosNode[] | null; channelId: string; arch: string; source: string }): FcosFindings {
  const oci = new Map((opts.ociGraph ?? []).map((n) => [n.version, n.payload]));
  const flags: FcosFindings["flags"] = new Map();
  const releases = opts.graph.map((n) => {
    const f = { barrier: n.barrier !== null, barrierReason: n.barrier || null, deadend: n.deadend !== null, deadendReason: n.deadend || null, ociPullspec: oci.get(n.version) ?? null };
    flags.set(n.version, f);
    const parsed = NewReleaseSchema.safeParse({ osFamily: "fcos", channelId: opts.channelId, version: n.version, arch: opts.arch, ostreeChecksum: n.payload, barrier: f.barrier, barrierReason: f.barrierReason, deadend: f.deadend, deadendReason: f.deadendReason, notes: `imported by sync ${opts.source}` });
    if (!parsed.success) throw new SyncError("garbage", `graph node ${n.version} is not a valid release (${issues(parsed.error)})`);
    return { ...parsed.data, ociPullspec: f.ociPullspec };
  });
  return { current: opts.stream.current, releases, flags };
}

function issues(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "document"}: ${i.message}`)
    .join("; ");
}
