// data: URLs for inline contents, as Butane's MakeDataURL builds them: the
// shorter of RFC 2397 percent-escaping (vincent-petithory/dataurl's Escape)
// and base64. Butane also tries gzip+base64 and keeps it when smaller; that
// needs a synchronous DEFLATE encoder, which Flotilla does not carry, so large
// compressible contents come out larger than Butane's (still equivalent).

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

/** Butane base/v0_2+: the smaller of percent-escaped and base64. */
export function smallestDataUrl(contents: string): string {
  const bytes = utf8(contents);
  const escaped = `,${escapeDataUrl(bytes)}`;
  const b64 = `;base64,${base64(bytes)}`;
  return `data:${b64.length < escaped.length ? b64 : escaped}`;
}
