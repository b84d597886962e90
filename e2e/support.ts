import { randomBytes } from "node:crypto";
import { request, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN, E2E_ENROLLMENT_TOKEN, E2E_PORT } from "../playwright.config";

export const BASE_URL = `http://localhost:${E2E_PORT}`;

export function uniqueMachineId(): string {
  return randomBytes(16).toString("hex");
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export interface AgentReport {
  machineId: string;
  hostname: string;
  version: string;
  group?: string;
  state?: string;
  labels?: Record<string, string>;
  previousVersion?: string;
  error?: { code: string; message: string };
}

/** Plays an update agent: posts one native report the way a real agent does. */
export async function sendReport(api: APIRequestContext, r: AgentReport): Promise<void> {
  const res = await api.post(`${BASE_URL}/v1/agent/report`, {
    headers: { authorization: `Bearer ${E2E_ENROLLMENT_TOKEN}` },
    data: {
      machineId: r.machineId,
      hostname: r.hostname,
      os: { family: "flatcar", version: r.version, arch: "amd64" },
      slot: "A",
      state: r.state ?? "idle",
      previousVersion: r.previousVersion,
      group: r.group ?? "e2e",
      labels: r.labels ?? {},
      health: [{ name: "kubelet", ok: true }],
      ...(r.error ? { error: r.error } : {}),
    },
  });
  if (res.status() !== 200) throw new Error(`report refused: ${res.status()} ${await res.text()}`);
}

/** An API client signed in as the seeded admin (for arranging test data). */
export async function adminApi(): Promise<APIRequestContext> {
  const api = await request.newContext({ baseURL: BASE_URL });
  const res = await api.post("/api/v1/auth/login", { data: E2E_ADMIN });
  if (!res.ok()) throw new Error(`admin login failed: ${res.status()}`);
  return api;
}

export async function createUser(role: "viewer" | "operator" | "approver" | "admin") {
  const api = await adminApi();
  const user = { email: `${uniqueName(role)}@e2e.test`, name: `E2E ${role}`, password: `${role}-password-123`, role };
  const res = await api.post("/api/v1/users", { data: user });
  if (res.status() !== 201) throw new Error(`user creation failed: ${res.status()} ${await res.text()}`);
  await api.dispose();
  return user;
}

/** A fake but well-formed Flatcar payload description for catalog fixtures. */
export function flatcarReleaseFixture(channelId: string, version: string) {
  return {
    osFamily: "flatcar",
    channelId,
    version,
    arch: "amd64",
    payloadUrl: `https://update.example/${version}/`,
    payloadName: "flatcar_production_update.gz",
    sizeBytes: 10,
    sha1Base64: Buffer.alloc(20, 7).toString("base64"),
    sha256Base64: Buffer.alloc(32, 9).toString("base64"),
  };
}

/**
 * Arranges, through the operator API, a Flatcar channel with releases `older` and `newer`
 * (versions unique to this run) that targets `newer`.
 */
export async function flatcarChannelWithTarget(prefix: string, patch: string): Promise<{ channel: string; older: string; newer: string }> {
  const channel = uniqueName(prefix);
  const suffix = String(Date.now() % 100000);
  const [older, newer] = [`3975.${suffix}.${patch}`, `4081.${suffix}.${patch}`];
  const api = await adminApi();
  if ((await api.post("/api/v1/channels", { data: { id: channel, osFamily: "flatcar" } })).status() !== 201) throw new Error("channel not created");
  const imported = await api.post("/api/v1/releases/import", { data: { releases: [older, newer].map((v) => flatcarReleaseFixture(channel, v)) } });
  const items = ((await imported.json()) as { items: Array<{ id: string; version: string }> }).items;
  await api.post(`/api/v1/channels/${channel}/target`, { data: { releaseId: items.find((i) => i.version === newer)!.id } });
  await api.dispose();
  return { channel, older, newer };
}
