import { describe, expect, it } from "vitest";
import { SyncError } from "./errors";
import { fcosGraphUrl, parseGraph, parseStreamMetadata } from "./fcos";
import { flatcarCheckRequest, parseFlatcarUpdate } from "./flatcar";
import { parseOmahaRequest } from "../omaha/request";

const sha1 = Buffer.alloc(20, 1).toString("base64");
const sha256 = Buffer.alloc(32, 2).toString("base64");

// go-omaha's ExampleNewResponse shape (omaha/protocol_test.go), which Nebraska marshals.
const answer = (manifests: string) => `<?xml version="1.0" encoding="UTF-8"?>
<response protocol="3.0" server="go-omaha">
 <daystart elapsed_seconds="0"></daystart>
 <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" status="ok">
  <ping status="ok"></ping>
  <updatecheck status="ok">
   <urls><url codebase="http://localhost/updates"></url></urls>
   ${manifests}
  </updatecheck>
 </app>
</response>`;
const manifest = (version: string, extra = "", attrs = "") =>
  `<manifest version="${version}"${attrs}><packages><package name="update.gz" hash="${sha1}" size="67546213" required="true"></package>${extra}</packages><actions><action event="postinstall" DisplayVersion="${version}" sha256="${sha256}" IsDeltaPayload="true" DisablePayloadBackoff="true"></action></actions></manifest>`;

describe("Flatcar sync: the check and the answer", () => {
  it("sends the check a fresh host on the track and board would, which Flotilla's own Omaha reader accepts", () => {
    const req = parseOmahaRequest(flatcarCheckRequest({ track: "beta", arch: "arm64", machineId: "ab".repeat(16), bootId: "1b2f" }));
    expect(req.apps[0]).toMatchObject({ version: "0.0.0", track: "beta", board: "arm64-usr", arch: "arm64", updateCheck: true });
    expect(req.osSp).toBe("0.0.0_aarch64");
  });

  it("reads an offer: codebase (a slash appended, as update_engine does), payload, base64 and hex SHA-256 of extensions", () => {
    const u = parseFlatcarUpdate(answer(manifest("9999.0.0", `<package name="oem-azure.gz" hash="${sha1}" hash_sha256="${Buffer.alloc(32, 3).toString("hex")}" size="10" required="false"></package>`)));
    expect(u).toEqual({
      kind: "update",
      version: "9999.0.0",
      codebase: "http://localhost/updates/",
      payload: { name: "update.gz", sizeBytes: 67546213, sha1Base64: sha1, sha256Base64: sha256 },
      extensions: [{ name: "oem-azure.gz", sizeBytes: 10, sha1Base64: sha1, sha256Base64: Buffer.alloc(32, 3).toString("base64") }],
    });
  });

  it("takes the target of a multi-manifest answer (Nebraska floors)", () => {
    const u = parseFlatcarUpdate(answer(manifest("1000.0.0", "", ' is_floor="true"') + manifest("2000.0.0", "", ' is_target="true"')));
    expect(u.kind === "update" && u.version).toBe("2000.0.0");
  });

  it("names what is wrong with garbage", () => {
    const cases: Array<[string, RegExp]> = [
      ["<html><body>502</body></html>", /not an Omaha 3.0 <response>/],
      ["not xml at all <", /not Omaha XML/],
      [answer(manifest("9999.0.0")).replace(/ size="67546213"/, ""), /has no size/],
      [answer(manifest("9999.0.0")).replace(/ sha256="[^"]*"/, ""), /no SHA-256/],
      [answer(manifest("9999.0.0")).replace(/<urls>.*<\/urls>/, ""), /url codebase/],
      [answer(manifest("9999.0.0")).replace(/(<app [^>]*status=)"ok"/, '$1"error-unknownApplication"'), /app status/],
    ];
    for (const [xml, msg] of cases) {
      expect(() => parseFlatcarUpdate(xml)).toThrow(SyncError);
      expect(() => parseFlatcarUpdate(xml)).toThrow(msg);
    }
    expect(parseFlatcarUpdate(answer("").replace('<updatecheck status="ok">', '<updatecheck status="noupdate">'))).toEqual({ kind: "noupdate" });
  });
});

describe("FCOS sync: stream metadata and graph", () => {
  it("asks the graph as Zincati does, per basearch and stream, and the OCI scope", () => {
    expect(fcosGraphUrl("https://updates.coreos.fedoraproject.org/v1/graph", "stable", "arm64", true)).toBe("https://updates.coreos.fedoraproject.org/v1/graph?basearch=aarch64&stream=stable&oci=true");
  });
  it("reads the current release from stream metadata and refuses documents of another shape", () => {
    const doc = { stream: "stable", metadata: { "last-modified": "x" }, architectures: { x86_64: { artifacts: { metal: { release: "41.1", formats: {} }, qemu: { release: "41.1", formats: {} } } } } };
    expect(parseStreamMetadata(doc, "stable", "amd64")).toEqual({ current: "41.1" });
    expect(() => parseStreamMetadata(doc, "stable", "arm64")).toThrow(/no aarch64/);
    expect(() => parseStreamMetadata({ ...doc, stream: "next" }, "stable", "amd64")).toThrow(/not "stable"/);
    expect(() => parseStreamMetadata({ releases: [] }, "stable", "amd64")).toThrow(/not FCOS stream metadata/);
  });
  it("reads graph nodes with flags and refuses payloads of the wrong scheme", () => {
    const K = "org.fedoraproject.coreos.";
    const nodes = [{ version: "41.1", payload: "a".repeat(64), metadata: { [`${K}scheme`]: "checksum", [`${K}updates.barrier`]: "true", [`${K}updates.barrier_reason`]: "why" } }];
    expect(parseGraph({ nodes, edges: [] }, "checksum")).toEqual([{ version: "41.1", payload: "a".repeat(64), barrier: "why", deadend: null }]);
    expect(() => parseGraph({ nodes, edges: [[0, 3]] }, "checksum")).toThrow(/edge/);
    expect(() => parseGraph({ nodes, edges: [] }, "oci")).toThrow(/scheme/);
    expect(() => parseGraph({ nodes: [{ ...nodes[0]!, payload: "nothex", metadata: {} }], edges: [] }, "checksum")).toThrow(/checksum/);
  });
});
