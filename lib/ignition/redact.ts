export const REDACTED = "[redacted]";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Paths whose contents are secret whatever mode the config gives them: the shadow files, SSH
 * host private keys, and the conventional private-key directory.
 */
const SECRET_PATHS = [/^\/etc\/g?shadow-?$/, /^\/etc\/ssh\/ssh_host_[^/]*_key$/, /^\/etc\/ssl\/private\//, /^\/etc\/pki\/tls\/private\//];

/** Where a secret sits, as a JSON path from the root, and what kind it is. */
export interface SecretLocation {
  path: (string | number)[];
  kind: "password hash" | "HTTP header value" | "LUKS key file" | "private file contents";
}

/**
 * The one definition of "holds secrets", shared by redaction (viewers, audit diffs) and by
 * serving (such configs only through capability URLs):
 * - `passwordHash` of any user or group;
 * - the `value` of any `httpHeaders` entry (tokens for merge sources, files, CAs);
 * - `storage.luks[].keyFile` sources;
 * - inline (`data:`) `contents` and `append` of a file that is not world-readable
 *   (`mode & 0o004 == 0`; Ignition's default file mode is 0644), or whose path is one of
 *   `SECRET_PATHS` whatever its mode.
 * Public SSH keys, CA certificates and remote (`http(s)`) file sources are not secrets.
 */
export function secretLocations(config: Json): SecretLocation[] {
  const out: SecretLocation[] = [];
  if (!isObject(config)) return out;
  const passwd = config.passwd;
  if (isObject(passwd)) {
    for (const list of ["users", "groups"] as const) {
      const entries = passwd[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((u, i) => {
        if (isObject(u) && typeof u.passwordHash === "string") out.push({ path: ["passwd", list, i, "passwordHash"], kind: "password hash" });
      });
    }
  }
  const visit = (v: Json, path: (string | number)[]): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
    if (!isObject(v)) return;
    if (Array.isArray(v.httpHeaders)) {
      v.httpHeaders.forEach((h, i) => {
        if (isObject(h) && typeof h.value === "string") out.push({ path: [...path, "httpHeaders", i, "value"], kind: "HTTP header value" });
      });
    }
    for (const [k, child] of Object.entries(v)) visit(child, [...path, k]);
  };
  visit(config, []);
  const storage = config.storage;
  if (isObject(storage)) {
    if (Array.isArray(storage.luks)) {
      storage.luks.forEach((l, i) => {
        if (isObject(l) && isObject(l.keyFile) && typeof l.keyFile.source === "string") out.push({ path: ["storage", "luks", i, "keyFile", "source"], kind: "LUKS key file" });
      });
    }
    if (Array.isArray(storage.files)) {
      storage.files.forEach((f, i) => {
        if (!isObject(f)) return;
        const mode = typeof f.mode === "number" ? f.mode : 0o644;
        const secretPath = typeof f.path === "string" && SECRET_PATHS.some((re) => re.test(f.path as string));
        if ((mode & 0o004) !== 0 && !secretPath) return;
        const parts: Array<[Json | undefined, (string | number)[]]> = [[f.contents, ["storage", "files", i, "contents", "source"]]];
        if (Array.isArray(f.append)) f.append.forEach((a, j) => parts.push([a, ["storage", "files", i, "append", j, "source"]]));
        for (const [part, p] of parts) if (isObject(part) && typeof part.source === "string" && part.source.startsWith("data:")) out.push({ path: p, kind: "private file contents" });
      });
    }
  }
  return out;
}

/** The secrets of a config text, as `$.a.b.0.c` paths with their kind; [] for text that is not JSON. */
export function findSecrets(text: string): Array<{ path: string; kind: SecretLocation["kind"] }> {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return [];
  }
  return secretLocations(parsed).map((s) => ({ path: `$.${s.path.join(".")}`, kind: s.kind }));
}

/** Replaces every secret `secretLocations` finds with `[redacted]`. */
export function redactIgnitionValue(config: Json): Json {
  if (!isObject(config)) return config;
  const c = structuredClone(config);
  for (const { path } of secretLocations(c)) {
    let node: Json = c;
    for (const key of path.slice(0, -1)) node = (Array.isArray(node) ? node[key as number] : isObject(node) ? node[key as string] : null) ?? null;
    const last = path[path.length - 1]!;
    if (Array.isArray(node)) node[last as number] = REDACTED;
    else if (isObject(node)) node[last as string] = REDACTED;
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
