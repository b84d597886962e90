import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { setRebootSlots } from "@/db/queries/fleetlock";
import { createChannel, createGroup } from "@/db/queries/groups";
import { createAssignment, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { badInputCorpus, type BadRequest } from "../helpers/bad-input-corpus";
import { fcosRelease, seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { operatorOperations } from "../helpers/openapi-routes";
import { useOperatorServer } from "../helpers/operators";

const TOKEN = "bad-input-enrollment-token-0123456789";
const CONCURRENCY = 8;

/** Everything the corpus can reach: channels with targets, a served Ignition config, a lock group. */
async function seed(db: Database["db"]): Promise<void> {
  await seedFlatcarStable(db);
  await createChannel(db, SYSTEM_ACTOR, { id: "fcos-stable", osFamily: "fcos", description: "" });
  const [a, b] = await createReleases(db, SYSTEM_ACTOR, [fcosRelease("40.20240416.3.1", "abc123"), fcosRelease("40.20240504.3.0", "def456")], "release.import");
  await setChannelTarget(db, SYSTEM_ACTOR, "fcos-stable", { releaseId: b!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "" });
  expect(a).toBeDefined();
  await createGroup(db, SYSTEM_ACTOR, { id: "edge", description: "", channelId: "stable" });
  await setRebootSlots(db, SYSTEM_ACTOR, "default", 2, null);
  const source = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: "data:,hello" } }] } });
  await saveConfigVersion(db, SYSTEM_ACTOR, "base", { format: "ignition", source, message: "", draft: false });
  await publishConfigVersion(db, SYSTEM_ACTOR, "base", 1, null);
  await createAssignment(db, SYSTEM_ACTOR, { name: "everyone", configId: "base", version: null, selectors: {} });
}

interface Outcome {
  req: BadRequest;
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

/** Why an answer is not an acceptable way to refuse (or accept) this request; null when it is. */
function problem(o: Outcome): string | null {
  if (o.status === 0) return `no answer: ${o.text}`;
  if (o.status >= 500) return `${o.status}`;
  if (o.status < 400) return null;
  let json: unknown;
  if (o.req.shape === "omaha-xml" && /xml/.test(o.contentType)) {
    return /<response protocol="3\.0"[^>]*>[\s\S]*(<error reason="[^"]*"|<app appid=)/.test(o.text) ? null : "XML rejection without <error reason>";
  }
  try {
    json = JSON.parse(o.text);
  } catch {
    return `${o.status} without a JSON body`;
  }
  const j = json as { error?: { code?: unknown; message?: unknown }; kind?: unknown; value?: unknown };
  if (o.req.shape === "kind-value" && typeof j.kind === "string" && typeof j.value === "string") return null;
  if (typeof j.error?.code === "string" && typeof j.error.message === "string") return null;
  return `${o.status} body is not {error:{code,message}}: ${o.text.slice(0, 120)}`;
}

async function send(base: string, req: BadRequest): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body ? new Uint8Array(req.body) : undefined, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    return { req, status: res.status, contentType: res.headers.get("content-type") ?? "", text, ms: performance.now() - started };
  } catch (err) {
    return { req, status: 0, contentType: "", text: err instanceof Error ? `${err.name}: ${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : String(err), ms: performance.now() - started };
  }
}

describe.each(testDatabases())("a corpus of malformed requests on $name", (target) => {
  const t = useOperatorServer(target, { env: { FLOTILLA_ENROLLMENT_TOKEN: TOKEN }, seed });

  it("answers every one with a 2xx or a 4xx in the protocol's error shape, and stays up", { timeout: 240_000 }, async () => {
    const full = badInputCorpus({ seed: 20240917, enrollmentToken: TOKEN, adminToken: t.users.admin.token, operations: operatorOperations(), ignitionConfig: "base" });
    expect(full.length).toBeGreaterThanOrEqual(10_000);
    // The whole corpus on PGlite; on Postgres (same SQL, other driver) every fourth request keeps CI fast.
    const corpus = target.name === "pglite" ? full : full.filter((_, i) => i % 4 === 0);
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < corpus.length) outcomes.push(await send(t.server.url, corpus[next++]!));
      }),
    );

    const bad = outcomes.map((o) => ({ o, why: problem(o) })).filter((x) => x.why !== null);
    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    console.info(`${target.name}: ${outcomes.length} malformed requests, answers ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ")}, slowest ${slowest.toFixed(0)} ms, ${bad.length} unacceptable`);
    // BAD_INPUT_DUMP=file.json writes every unacceptable answer with its request, for debugging.
    if (process.env.BAD_INPUT_DUMP) {
      fs.writeFileSync(process.env.BAD_INPUT_DUMP, JSON.stringify(bad.map(({ o, why }) => ({ why, ms: Math.round(o.ms), method: o.req.method, path: o.req.path.slice(0, 300), family: o.req.family, headers: o.req.headers, body: o.req.body?.subarray(0, 300).toString("utf8"), bodyLength: o.req.body?.length, answer: o.text.slice(0, 300) })), null, 1));
    }
    const report = bad.slice(0, 15).map(({ o, why }) => `${why} ← ${o.req.method} ${o.req.path.slice(0, 160)} [${o.req.family}] ${o.req.body ? JSON.stringify(o.req.body.subarray(0, 160).toString("utf8")) : ""} → ${o.text.slice(0, 200)}`);
    expect(report).toEqual([]);

    // Still alive and still correct.
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    const ok = await fetch(`${t.server.url}/v1/agent/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ machineId: "cd".repeat(16), os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle" }),
    });
    expect(ok.status).toBe(200);
    const hosts = await fetch(`${t.server.url}/api/v1/hosts?q=cdcd`, { headers: { authorization: `Bearer ${t.users.viewer.token}` } });
    expect(hosts.status).toBe(200);
    expect(((await hosts.json()) as { items: unknown[] }).items).toHaveLength(1);
    const chain = await fetch(`${t.server.url}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${t.users.viewer.token}` } });
    expect(await chain.json()).toMatchObject({ ok: true });
  });
});
