import path from "node:path";

/** Where mirrored payloads are served: `/v1/payloads/flatcar/<arch>/<version>/<file>`. */
export const PAYLOAD_PREFIX = "/v1/payloads/flatcar/";

const ARCH = /^[a-z0-9_]{1,32}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,63}$/;
// A file name: no separators, no leading dot (no `..`, no hidden temporary `.part` files).
const NAME = /^[^/\\\s.][^/\\\s]{0,255}$/;

/** The codebase hosts are given for a mirrored release (update_engine appends the file name). */
export function mirrorCodebase(baseUrl: string, arch: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${PAYLOAD_PREFIX}${encodeURIComponent(arch)}/${encodeURIComponent(version)}/`;
}

export function mirrorFilePath(dir: string, arch: string, version: string, name: string): string {
  if (!ARCH.test(arch) || !VERSION.test(version) || !NAME.test(name) || name.includes(".part-")) throw new Error(`not a mirrorable file: ${arch}/${version}/${name}`);
  return path.join(dir, "flatcar", arch, version, name);
}

/** The file a payload URL path names, or null when the path is not one Flotilla could have written. */
export function payloadFileOf(dir: string, pathname: string): string | null {
  if (!pathname.startsWith(PAYLOAD_PREFIX)) return null;
  const parts = pathname.slice(PAYLOAD_PREFIX.length).split("/");
  if (parts.length !== 3) return null;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
  const [arch, version, name] = decoded as [string, string, string];
  if (!ARCH.test(arch) || !VERSION.test(version) || !NAME.test(name) || name.includes(".part-")) return null;
  return path.join(dir, "flatcar", arch, version, name);
}

/** A single `bytes=` range against a file of `size` bytes: the span, "unsatisfiable", or null to send it whole. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: RFC 9110 lets a server ignore Range and send 200.
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}
