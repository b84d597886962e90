// Local stand-ins for the real upstreams release sync talks to, on port 0, answering documents
// shaped exactly like the real ones:
// - Flatcar's public update server is Nebraska, which renders answers with go-omaha's structs
//   (go-omaha omaha/protocol.go Response/App/UpdateResponse/Manifest/Action, omaha/package.go
//   Package: `hash`, `hash_sha256`, `size`, `required`); protocol_test.go ExampleNewResponse is
//   the shape, extra packages as Nebraska's omaha.go addPackageToManifest lists them.
// - FCOS stream metadata as coreos-stream-metadata's Stream (stream, metadata,
//   architectures.<basearch>.artifacts.<platform>.release/formats, images).
// - The FCOS update graph as fedora-coreos-cincinnati's commons/src/graph.rs (nodes with
//   version/payload/metadata, edges; `org.fedoraproject.coreos.*` keys; OCI scope with `oci=true`).
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseOmahaRequest } from "@/lib/omaha/request";

export interface FlatcarUpstreamRelease {
  version: string;
  /** Extension packages served beside the payload (name → content). */
  extensions?: Record<string, string>;
}

export type UpstreamMode = "ok" | "garbage" | "error500" | "noupdate" | "corrupt-payload";

export interface FakeFile {
  bytes: Buffer;
  sha1Base64: string;
  sha256Base64: string;
}

function file(content: string | Buffer): FakeFile {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  return { bytes, sha1Base64: createHash("sha1").update(bytes).digest("base64"), sha256Base64: createHash("sha256").update(bytes).digest("base64") };
}

/** A payload of `kib` KiB, the same bytes for a version and board every time. */
export function payloadBytes(board: string, version: string, kib = 192): Buffer {
  const out = Buffer.alloc(kib * 1024);
  let seed = createHash("sha256").update(`${board}/${version}`).digest();
  for (let off = 0; off < out.length; off += seed.length) {
    seed.copy(out, off);
    seed = createHash("sha256").update(seed).digest();
  }
  return out;
}

export interface FlatcarUpstream {
  url: string;
  omahaUrl: string;
  /** Per track, the release a fresh host is offered. */
  tracks: Map<string, FlatcarUpstreamRelease>;
  mode: UpstreamMode;
  requests: string[];
  /** Payload and extension downloads, path and Range header. */
  downloads: Array<{ path: string; range: string | undefined }>;
  fileOf(board: string, version: string, name: string): FakeFile;
  close(): Promise<void>;
}

const PAYLOAD = "flatcar_production_update.gz";

/** A Flatcar update server: answers update checks per track and board, and serves the payloads. */
export async function startFlatcarUpstream(tracks: Record<string, FlatcarUpstreamRelease>): Promise<FlatcarUpstream> {
  const state = { mode: "ok" as UpstreamMode };
  const requests: string[] = [];
  const downloads: FlatcarUpstream["downloads"] = [];
  const trackMap = new Map(Object.entries(tracks));
  // Every release ever offered stays downloadable, as on the real server.
  const offered = new Map(Object.values(tracks).map((r) => [r.version, r]));
  const fileOf = (board: string, version: string, name: string): FakeFile => {
    if (name === PAYLOAD) return file(payloadBytes(board, version));
    const ext = offered.get(version)?.extensions?.[name];
    return file(`${ext ?? "missing"} for ${board} ${version}`);
  };
  let base = "";
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "POST" && url.pathname === "/v1/update/") {
        const body = Buffer.concat(chunks).toString();
        requests.push(body);
        if (state.mode === "error500") return void res.writeHead(500, { "content-type": "text/plain" }).end("internal error\n");
        if (state.mode === "garbage") return void res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Service Unavailable</body></html>");
        const parsed = parseOmahaRequest(body);
        const app = parsed.apps[0]!;
        const rel = trackMap.get(app.track);
        const board = app.board ?? "amd64-usr";
        if (!rel || state.mode === "noupdate") {
          return void res
            .writeHead(200, { "content-type": "text/xml" })
            .end(`<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="nebraska"><daystart elapsed_seconds="0"></daystart><app appid="${app.appId}" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"></updatecheck></app></response>`);
        }
        offered.set(rel.version, rel);
        const main = fileOf(board, rel.version, PAYLOAD);
        const extras = Object.keys(rel.extensions ?? {}).map((name) => {
          const f = fileOf(board, rel.version, name);
          // Nebraska stores and renders an extra file's SHA-256 as hex (its syncer compares it with hex).
          return `\n     <package name="${name}" hash="${f.sha1Base64}" hash_sha256="${Buffer.from(f.sha256Base64, "base64").toString("hex")}" size="${f.bytes.length}" required="false"></package>`;
        });
        // go-omaha's MarshalIndent output, as in its ExampleNewResponse: no trailing slash on codebase.
        const xml = `<?xml version="1.0" encoding="UTF-8"?>
<response protocol="3.0" server="nebraska">
 <daystart elapsed_seconds="0"></daystart>
 <app appid="${app.appId}" status="ok">
  <ping status="ok"></ping>
  <updatecheck status="ok">
   <urls>
    <url codebase="${base}/${board}/${rel.version}"></url>
   </urls>
   <manifest version="${rel.version}">
    <packages>
     <package name="${PAYLOAD}" hash="${main.sha1Base64}" size="${main.bytes.length}" required="true"></package>${extras.join("")}
    </packages>
    <actions>
     <action event="postinstall" DisplayVersion="${rel.version}" sha256="${main.sha256Base64}" needsadmin="false" IsDeltaPayload="false" DisablePayloadBackoff="true" MetadataSignatureRsa="" MetadataSize=""></action>
    </actions>
   </manifest>
  </updatecheck>
 </app>
</response>`;
        return void res.writeHead(200, { "content-type": "text/xml" }).end(xml);
      }
      const m = /^\/([a-z0-9]+-usr)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        downloads.push({ path: url.pathname, range: req.headers.range });
        const f = fileOf(m[1]!, m[2]!, decodeURIComponent(m[3]!));
        const bytes = state.mode === "corrupt-payload" ? Buffer.concat([f.bytes.subarray(0, f.bytes.length - 1), Buffer.from([f.bytes[f.bytes.length - 1]! ^ 0xff])]) : f.bytes;
        return void res.writeHead(200, { "content-type": "application/gzip", "content-length": bytes.length }).end(bytes);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    omahaUrl: `${base}/v1/update/`,
    tracks: trackMap,
    get mode() {
      return state.mode;
    },
    set mode(m: UpstreamMode) {
      state.mode = m;
    },
    requests,
    downloads,
    fileOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface FcosUpstreamRelease {
  version: string;
  barrier?: string;
  deadend?: string;
  /** Without it the release is not in the OCI scope (older releases shipped no image). */
  oci?: boolean;
}

export function fcosChecksumOf(version: string, basearch: string): string {
  return createHash("sha256").update(`ostree ${version} ${basearch}`).digest("hex");
}

export function fcosPullspecOf(version: string, basearch: string): string {
  return `quay.io/fedora/fedora-coreos@sha256:${createHash("sha256").update(`oci ${version} ${basearch}`).digest("hex")}`;
}

export interface FcosUpstream {
  url: string;
  streamUrl(stream: string): string;
  graphUrl: string;
  streams: Map<string, FcosUpstreamRelease[]>;
  mode: UpstreamMode;
  close(): Promise<void>;
}

const K = "org.fedoraproject.coreos.";

/** Stream metadata and the update graph for FCOS streams (releases oldest first). */
export async function startFcosUpstream(streams: Record<string, FcosUpstreamRelease[]>): Promise<FcosUpstream> {
  const state = { mode: "ok" as UpstreamMode };
  const map = new Map(Object.entries(streams));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (state.mode === "error500") return void json(500, { kind: "internal", value: "upstream broke" });
    const sm = /^\/streams\/([a-z]+)\.json$/.exec(url.pathname);
    if (sm) {
      const rels = map.get(sm[1]!);
      if (!rels) return void res.writeHead(404).end();
      if (state.mode === "garbage") return void res.writeHead(200, { "content-type": "application/json" }).end('{"stream": "stable", "architectures": ');
      const current = rels[rels.length - 1]!.version;
      const arch = (basearch: string) => ({
        artifacts: {
          metal: { release: current, formats: { "raw.xz": { disk: { location: `https://builds.example/prod/streams/${sm[1]}/builds/${current}/${basearch}/fedora-coreos-${current}-metal.${basearch}.raw.xz`, signature: "https://builds.example/sig", sha256: fcosChecksumOf(current, `${basearch}-metal`), "uncompressed-sha256": fcosChecksumOf(current, `${basearch}-metal-u`) } } } },
          qemu: { release: current, formats: { "qcow2.xz": { disk: { location: `https://builds.example/fedora-coreos-${current}-qemu.${basearch}.qcow2.xz`, signature: "https://builds.example/sig", sha256: fcosChecksumOf(current, `${basearch}-qemu`) } } } },
        },
        images: { aws: { regions: { "us-east-1": { release: current, image: "ami-0123456789abcdef0" } } } },
      });
      return void json(200, { stream: sm[1], metadata: { "last-modified": "2026-11-30T12:00:00Z", generator: "fedora-coreos-stream-generator v0.4.0" }, architectures: { x86_64: arch("x86_64"), aarch64: arch("aarch64") } });
    }
    if (url.pathname === "/v1/graph") {
      const basearch = url.searchParams.get("basearch");
      const stream = url.searchParams.get("stream");
      if (!basearch || !stream) return void json(400, { kind: "missing_params", value: "basearch and stream are required" });
      const oci = url.searchParams.get("oci") === "true";
      const rels = (map.get(stream) ?? []).filter((r) => !oci || r.oci);
      const nodes = rels.map((r, i) => ({
        version: r.version,
        payload: oci ? fcosPullspecOf(r.version, basearch) : fcosChecksumOf(r.version, basearch),
        metadata: {
          [`${K}scheme`]: oci ? "oci" : "checksum",
          [`${K}releases.age_index`]: String(i),
          ...(r.barrier ? { [`${K}updates.barrier`]: "true", [`${K}updates.barrier_reason`]: r.barrier } : {}),
          ...(r.deadend ? { [`${K}updates.deadend`]: "true", [`${K}updates.deadend_reason`]: r.deadend } : {}),
        },
      }));
      const edges: Array<[number, number]> = [];
      for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) if (!rels[i]!.deadend) edges.push([i, j]);
      return void json(200, { nodes, edges });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    streamUrl: (stream) => `${base}/streams/${stream}.json`,
    graphUrl: `${base}/v1/graph`,
    streams: map,
    get mode() {
      return state.mode;
    },
    set mode(m: UpstreamMode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
