/**
 * OCI image pullspecs as Zincati reads and writes them. A Fedora CoreOS host booted from a
 * container image reports `os_checksum=<registry>/<repository>@sha256:<hex>` with `oci=true`
 * (zincati src/identity/mod.rs:145-148), the repository of its booted image with the tag
 * replaced by the digest (src/rpm_ostree/cli_status.rs:124-135, oci-spec `clone_with_digest`
 * drops the tag). It finds its booted node by comparing that string with each node's `payload`
 * byte for byte (src/cincinnati/mod.rs:341-347), and parses every OCI node's payload as an
 * oci-spec `Reference` (src/rpm_ostree/mod.rs:95), refusing the whole graph when one fails.
 * So Flotilla stores and serves exactly the canonical `Reference::whole()` form, with a digest
 * and no tag, and compares byte for byte.
 */

// The grammar of oci-spec-rs src/distribution/reference.rs REFERENCE_REGEXP, checked piece by
// piece: that regex, run by a backtracking engine like JavaScript's, takes exponential time on
// inputs such as "aaaa…a!" (its `[-]*` separator can match nothing), and os_checksum comes from
// the network. Rust's regex crate does not backtrack; these pieces cannot either.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

function isDomain(s: string): boolean {
  const colon = s.indexOf(":");
  const host = colon === -1 ? s : s.slice(0, colon);
  if (colon !== -1 && !/^[0-9]+$/.test(s.slice(colon + 1))) return false;
  return host.split(".").every((label) => DOMAIN_LABEL.test(label));
}

/** The name, tag and digest of a reference, or null where REFERENCE_REGEXP would not match. */
function splitReference(s: string): { name: string; tag: string | undefined; digest: string | undefined } | null {
  const at = s.indexOf("@");
  const digest = at === -1 ? undefined : s.slice(at + 1);
  const rest = at === -1 ? s : s.slice(0, at);
  if (digest !== undefined && !DIGEST.test(digest)) return null;
  // A colon after the last slash starts the tag; one before it belongs to the domain's port.
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > rest.lastIndexOf("/");
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return null;
  const parts = name.split("/");
  const paths = parts.length > 1 && isDomain(parts[0]!) ? parts.slice(1) : parts;
  if (!paths.every((p) => PATH_COMPONENT.test(p))) return null;
  return { name, tag, digest };
}

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Longest pullspec accepted anywhere (oci-spec caps the repository at 255 characters). */
export const PULLSPEC_MAX = 512;

export interface Pullspec {
  registry: string;
  repository: string;
  /** `sha256:<hex>` */
  digest: string;
  /** `registry/repository@digest`: what Zincati sends and compares. */
  whole: string;
}

/** oci-spec's split_domain: a first component without a dot, colon or `localhost` is a Docker Hub path. */
function splitDomain(name: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  let registry = "docker.io";
  let repository = name;
  if (slash !== -1) {
    const left = name.slice(0, slash);
    if (left.includes(".") || left.includes(":") || left === "localhost") {
      registry = left;
      repository = name.slice(slash + 1);
    }
  }
  if (registry === "index.docker.io") registry = "docker.io";
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository };
}

/**
 * Parses an image reference that names a digest, as oci-spec's `Reference::try_from` would,
 * and returns its canonical form (the tag, if any, dropped: Zincati's own reference has none).
 * Returns an error message for anything Zincati could not parse or would never send.
 */
export function parsePullspec(input: string): Pullspec | { error: string } {
  if (input.length === 0) return { error: "empty image reference" };
  if (input.length > PULLSPEC_MAX) return { error: `longer than ${PULLSPEC_MAX} characters` };
  const m = splitReference(input);
  if (!m) return { error: "not an OCI image reference (registry/repository@sha256:<hex>)" };
  const digest = m.digest;
  if (!digest) return { error: "must name a digest (…@sha256:<hex>), not only a tag" };
  const [algorithm, hex] = digest.split(":") as [string, string];
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (want === undefined) return { error: `unsupported digest algorithm ${algorithm}` };
  if (hex.length !== want) return { error: `a ${algorithm} digest has ${want} hex digits` };
  const { registry, repository } = splitDomain(m.name);
  if (repository.length > 255) return { error: "repository name longer than 255 characters" };
  return { registry, repository, digest, whole: `${registry}/${repository}@${digest}` };
}

export function isPullspecError(p: Pullspec | { error: string }): p is { error: string } {
  return "error" in p;
}
