// data: URLs for inline contents, as Butane's MakeDataURL builds them
// (coreos/butane base/util/url.go:27-82): the shortest of RFC 2397
// percent-escaping (vincent-petithory/dataurl's Escape), base64, and — unless
// the config already names a compression — gzip+base64 with `compression: gzip`
// when that is shorter even counting the 4 characters of "gzip".
import { gzipSync } from "fflate";

const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Percent-escapes every byte outside RFC 2396's unreserved set, uppercase hex. */
export function escapeDataUrl(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63] ?? "";
    out += B64[(n >> 12) & 63] ?? "";
    out += b === undefined ? "=" : (B64[(n >> 6) & 63] ?? "");
    out += c === undefined ? "=" : (B64[n & 63] ?? "");
  }
  return out;
}

/** Butane base/v0_1 (fcos 1.0): always percent-escaped. */
export function plainDataUrl(contents: string): string {
  return `data:,${escapeDataUrl(utf8(contents))}`;
}

const PLACEHOLDER = /\{\{\s*[a-z][a-z0-9_.-]*\s*\}\}/i;

/**
 * gzip as Go's `gzip.NewWriterLevel(w, gzip.BestCompression)` frames it: no name, mtime 0,
 * XFL 2 (best compression), OS 255 (unknown). The DEFLATE stream is fflate's level 9, not Go's
 * compress/flate, so the bytes (and, near the break-even size, the choice) can differ from
 * Butane's; what Ignition writes to disk after decompressing is the same.
 */
export function goGzip(bytes: Uint8Array): Uint8Array {
  const gz = gzipSync(bytes, { level: 9, mtime: 0 });
  gz[9] = 255;
  return gz;
}

export interface DataUrl {
  source: string;
  /** The compression to record: "" or "gzip"; null when the config named one (kept as written). */
  compression: string | null;
}

/**
 * Butane's MakeDataURL. Flotilla's one addition: contents holding a `{{variable}}` stay
 * percent-escaped (never base64 or gzip), so serving can still fill the variable in.
 */
export function makeDataUrl(contents: string, currentCompression: string | undefined, allowCompression: boolean): DataUrl {
  const bytes = utf8(contents);
  const userCompressed = currentCompression !== undefined && currentCompression !== "";
  let compression: string | null = userCompressed ? null : "";
  let opaque = `,${escapeDataUrl(bytes)}`;
  if (PLACEHOLDER.test(contents)) return { source: `data:${opaque}`, compression };
  const b64 = `;base64,${base64(bytes)}`;
  if (b64.length < opaque.length) opaque = b64;
  if (!userCompressed && allowCompression) {
    const gz = `;base64,${base64(goGzip(bytes))}`;
    if (gz.length + "gzip".length < opaque.length) {
      opaque = gz;
      compression = "gzip";
    }
  }
  return { source: `data:${opaque}`, compression };
}
