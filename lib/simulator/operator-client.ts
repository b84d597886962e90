// Just enough of Flotilla's operator API (/api/v1, lib/operator/openapi.ts) for
// `flotilla simulate --setup-demo`: sign in, create channels and releases, set targets.
import type { HostProfile } from "./fleet";
import { endpointUrl } from "./http-transport";
import { DEMO_CHANNELS, demoRebootSlots, demoReleases, demoTargets, releaseKey } from "./demo-catalog";

export class OperatorApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface ApiAnswer {
  status: number;
  json: unknown;
}

function field(o: unknown, key: string): unknown {
  return typeof o === "object" && o !== null && key in o ? (o as Record<string, unknown>)[key] : undefined;
}

function str(o: unknown, key: string): string | null {
  const v = field(o, key);
  return typeof v === "string" ? v : null;
}

/** `{error:{message}}` from an answer, else its status. */
function serverMessage(a: ApiAnswer): string {
  return str(field(a.json, "error"), "message") ?? `HTTP ${a.status}`;
}

function items(a: ApiAnswer): unknown[] {
  const list = field(a.json, "items");
  return Array.isArray(list) ? list : [];
}

/** A signed-in operator session: the session cookie goes with every request. */
export class OperatorClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly cookie: string,
  ) {}

  /** POST /api/v1/auth/login; fails with a readable reason (wrong password, no UI served, …). */
  static async login(baseUrl: string, email: string, password: string): Promise<OperatorClient> {
    let res: Response;
    try {
      res = await fetch(endpointUrl(baseUrl, "/api/v1/auth/login"), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ email, password }),
      });
    } catch (err) {
      throw new OperatorApiError(`cannot reach ${baseUrl} to sign in: ${err instanceof Error ? err.message : String(err)}`);
    }
    const answer = { status: res.status, json: await res.json().catch((): unknown => null) };
    if (res.status === 404) throw new OperatorApiError(`${baseUrl} serves no operator API (is Flotilla started with its UI, i.e. npm start, not --no-ui?)`, 404);
    if (res.status === 401) throw new OperatorApiError(`sign-in as ${email} refused: ${serverMessage(answer)}`, 401);
    if (res.status !== 200) throw new OperatorApiError(`sign-in as ${email} failed: ${serverMessage(answer)}`, res.status);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!.trim())
      .filter(Boolean)
      .join("; ");
    if (!cookie) throw new OperatorApiError("sign-in answered 200 without a session cookie");
    return new OperatorClient(baseUrl, cookie);
  }

  async request(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await fetch(endpointUrl(this.baseUrl, path), {
      method,
      headers: { cookie: this.cookie, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: await res.json().catch((): unknown => null) };
  }

  /** Like request(), but any status outside `ok` is an error naming what failed. */
  async expect(what: string, ok: readonly number[], method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<ApiAnswer> {
    const a = await this.request(method, path, body);
    if (!ok.includes(a.status)) throw new OperatorApiError(`${what}: ${a.status} ${serverMessage(a)}`, a.status);
    return a;
  }
}

export interface DemoSetupResult {
  channelsCreated: string[];
  releasesCreated: number;
  targets: Array<{ channelId: string; version: string; changed: boolean }>;
  rebootSlots: Array<{ group: string; slots: number }>;
}

/**
 * Creates the demo catalog idempotently: what exists already (409) is left alone, so running
 * it twice, or against a server that has part of it, ends in the same catalog.
 */
export async function setupDemo(client: OperatorClient, profiles: readonly HostProfile[]): Promise<DemoSetupResult> {
  const result: DemoSetupResult = { channelsCreated: [], releasesCreated: 0, targets: [], rebootSlots: [] };

  for (const ch of DEMO_CHANNELS) {
    const a = await client.expect(`creating channel ${ch.id}`, [201, 409], "POST", "/api/v1/channels", ch);
    if (a.status === 201) result.channelsCreated.push(ch.id);
  }
  const channels = items(await client.expect("listing channels", [200], "GET", "/api/v1/channels"));
  for (const ch of DEMO_CHANNELS) {
    const found = channels.find((c) => str(c, "id") === ch.id);
    if (!found) throw new OperatorApiError(`channel ${ch.id} is missing after creating it`);
    if (str(found, "osFamily") !== ch.osFamily) throw new OperatorApiError(`channel ${ch.id} exists for ${str(found, "osFamily")}, the demo needs it for ${ch.osFamily}`);
  }

  const existing = async () => {
    const map = new Map<string, { id: string; channelId: string | null }>();
    for (const r of items(await client.expect("listing releases", [200], "GET", "/api/v1/releases"))) {
      const id = str(r, "id");
      const osFamily = str(r, "osFamily");
      const version = str(r, "version");
      const arch = str(r, "arch");
      if (id && osFamily && version && arch) map.set(releaseKey({ osFamily, version, arch }), { id, channelId: str(r, "channelId") });
    }
    return map;
  };
  const before = await existing();
  const missing = demoReleases().filter((r) => !before.has(releaseKey(r)));
  if (missing.length) {
    const a = await client.expect("importing releases", [201, 409], "POST", "/api/v1/releases/import", { releases: missing });
    if (a.status === 201) result.releasesCreated = missing.length;
    else {
      // Someone added one meanwhile: the import is all or nothing, so add them one by one.
      for (const r of missing) {
        const one = await client.expect(`adding ${releaseKey(r)}`, [201, 409], "POST", "/api/v1/releases", r);
        if (one.status === 201) result.releasesCreated++;
      }
    }
  }

  const catalog = await existing();
  for (const t of demoTargets()) {
    const release = catalog.get(releaseKey({ osFamily: t.family, version: t.version, arch: "amd64" }));
    if (!release) throw new OperatorApiError(`release ${t.family} ${t.version} amd64 is missing after the import`);
    if (release.channelId !== t.channelId) throw new OperatorApiError(`release ${t.family} ${t.version} belongs to channel ${release.channelId ?? "none"}, not ${t.channelId}`);
    const channel = channels.find((c) => str(c, "id") === t.channelId);
    const changed = str(channel, "targetReleaseId") !== release.id;
    if (changed) {
      await client.expect(`setting the target of ${t.channelId}`, [200], "POST", `/api/v1/channels/${encodeURIComponent(t.channelId)}/target`, {
        releaseId: release.id,
        rolloutDurationMinutes: 0,
        rolloutStartValue: 0,
        reason: "flotilla simulate --setup-demo",
      });
    }
    result.targets.push({ channelId: t.channelId, version: t.version, changed });
  }

  // Only ever raise a group's slots: an operator's larger number stays.
  const sems = items(await client.expect("listing reboot slots", [200], "GET", "/api/v1/fleetlock"));
  for (const [group, slots] of demoRebootSlots(profiles)) {
    const current = field(sems.find((s) => str(s, "id") === group), "totalSlots");
    if (typeof current === "number" && current >= slots) continue;
    if (slots <= 1 && current === undefined) continue; // the default is one slot
    await client.expect(`setting reboot slots of ${group}`, [200], "PUT", `/api/v1/fleetlock/${encodeURIComponent(group)}`, { totalSlots: slots, reason: "flotilla simulate --setup-demo" });
    result.rebootSlots.push({ group, slots });
  }
  return result;
}
