// Finding ignition.version the way Ignition's versionStub decode does, and
// parsing it like github.com/coreos/go-semver.

import type { JsonNode } from "./json-ast";

export const ERR_INVALID_VERSION = "invalid config version (couldn't parse)";
export const ERR_UNKNOWN_VERSION = "unsupported config version";

export type VersionLookup =
  | { readonly kind: "typeError"; readonly message: string; readonly node: JsonNode; readonly path: readonly string[] }
  | { readonly kind: "found"; readonly version: string; readonly node: JsonNode | undefined };

function kindName(node: JsonNode): string {
  return node.kind;
}

function foldsTo(key: string, name: string): boolean {
  return key.replace(/\u212a/g, "k").replace(/\u017f/g, "s").toLowerCase() === name;
}

export function findVersion(root: JsonNode): VersionLookup {
  let version = "";
  let versionNode: JsonNode | undefined;
  if (root.kind === "null") return { kind: "found", version, node: undefined };
  if (root.kind !== "object") {
    return { kind: "typeError", node: root, path: [], message: `json: cannot unmarshal ${kindName(root)} into Go value of type util.versionStub` };
  }
  for (const entry of root.entries) {
    if (!foldsTo(entry.key, "ignition")) continue;
    const ign = entry.value;
    if (ign.kind === "null") continue;
    if (ign.kind !== "object") {
      return {
        kind: "typeError",
        node: ign,
        path: ["ignition"],
        message: `json: cannot unmarshal ${kindName(ign)} into Go struct field versionStub.Ignition of type struct { Version string }`,
      };
    }
    for (const inner of ign.entries) {
      if (!foldsTo(inner.key, "version")) continue;
      const v = inner.value;
      if (v.kind === "null") continue;
      if (v.kind !== "string") {
        return {
          kind: "typeError",
          node: v,
          path: ["ignition", "version"],
          message: `json: cannot unmarshal ${kindName(v)} into Go struct field .Ignition.Version of type string`,
        };
      }
      version = v.value;
      versionNode = v;
    }
  }
  return { kind: "found", version, node: versionNode };
}

const IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = 2n ** 63n - 1n;

function splitOff(input: string, delim: string): [string, string] {
  const i = input.indexOf(delim);
  return i < 0 ? [input, ""] : [input.slice(0, i), input.slice(i + 1)];
}

function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

/** go-semver's NewVersion, canonicalised back to a string; undefined when it fails to parse. */
export function canonicalVersion(raw: string): string | undefined {
  const [withoutMeta, metadata] = splitOff(raw, "+");
  const [core, preRelease] = splitOff(withoutMeta, "-");
  const dot1 = core.indexOf(".");
  const dot2 = dot1 < 0 ? -1 : core.indexOf(".", dot1 + 1);
  if (dot2 < 0) return undefined;
  if ((preRelease !== "" && !IDENTIFIER.test(preRelease)) || (metadata !== "" && !IDENTIFIER.test(metadata))) return undefined;
  const nums = [core.slice(0, dot1), core.slice(dot1 + 1, dot2), core.slice(dot2 + 1)].map(parseInt64);
  if (nums.some((n) => n === undefined)) return undefined;
  return `${nums.join(".")}${preRelease === "" ? "" : `-${preRelease}`}${metadata === "" ? "" : `+${metadata}`}`;
}
