export const REDACTED = "[redacted]";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Replaces the secrets an Ignition config can hold: password hashes, HTTP header values
 * (tokens), LUKS key files, and the inline contents of files that are not world-readable
 * (mode without o+r: keys, credentials). Used for viewers and for the audit log's diff.
 */
export function redactIgnitionValue(config: Json): Json {
  if (!isObject(config)) return config;
  const c = structuredClone(config);
  const passwd = c.passwd;
  if (isObject(passwd) && Array.isArray(passwd.users)) {
    for (const u of passwd.users) if (isObject(u) && typeof u.passwordHash === "string") u.passwordHash = REDACTED;
  }
  if (isObject(passwd) && Array.isArray(passwd.groups)) {
    for (const g of passwd.groups) if (isObject(g) && typeof g.passwordHash === "string") g.passwordHash = REDACTED;
  }
  const visit = (v: Json): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isObject(v)) return;
    if (Array.isArray(v.httpHeaders)) for (const h of v.httpHeaders) if (isObject(h) && typeof h.value === "string") h.value = REDACTED;
    for (const child of Object.values(v)) visit(child);
  };
  visit(c);
  const storage = c.storage;
  if (isObject(storage)) {
    if (Array.isArray(storage.luks)) for (const l of storage.luks) if (isObject(l) && isObject(l.keyFile) && typeof l.keyFile.source === "string") l.keyFile.source = REDACTED;
    if (Array.isArray(storage.files)) {
      for (const f of storage.files) {
        if (!isObject(f)) continue;
        const mode = typeof f.mode === "number" ? f.mode : 0o644;
        if ((mode & 0o004) !== 0) continue;
        const parts = [f.contents, ...(Array.isArray(f.append) ? f.append : [])];
        for (const part of parts) if (isObject(part) && typeof part.source === "string" && part.source.startsWith("data:")) part.source = REDACTED;
      }
    }
  }
  return c;
}

/** Redacts a config text; text that is not JSON comes back unchanged (nothing to find). */
export function redactIgnitionText(text: string): string {
  try {
    return JSON.stringify(redactIgnitionValue(JSON.parse(text) as Json), null, 2);
  } catch {
    return text;
  }
}
