import type { IncomingMessage, ServerResponse } from "node:http";
import { acquireRebootSlot, releaseRebootSlot } from "@/db/queries/fleetlock";
import { FleetLockBodySchema, FleetLockError } from "@/lib/fleetlock/request";
import { AppError } from "@/lib/errors";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { dataErrorKind } from "@/lib/db-errors";
import { unstorableText } from "@/lib/storable-text";
import type { AgentDeps } from "./agent-http";
import { clientAddress, readBody, sendJson } from "./http-util";

async function readFleetLockBody(req: IncomingMessage) {
  if (req.headers["fleet-lock-protocol"] !== "true") {
    req.resume();
    throw new FleetLockError(400, "missing_header", "header fleet-lock-protocol: true is required");
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, 16 * 1024);
  } catch (err) {
    if (err instanceof AppError) throw new FleetLockError(err.status, "invalid_body", err.message);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new FleetLockError(400, "invalid_body", "body is not valid JSON");
  }
  const unstorable = unstorableText(json);
  if (unstorable) throw new FleetLockError(400, "invalid_client_params", `${unstorable.path}: ${unstorable.message}`);
  const parsed = FleetLockBodySchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new FleetLockError(400, "invalid_client_params", `${i.path.join(".")}: ${i.message}`);
  }
  return parsed.data.client_params;
}

function sendFleetLockError(res: ServerResponse, err: unknown): void {
  if (err instanceof FleetLockError) return sendJson(res, err.status, { kind: err.kind, value: err.value });
  if (dataErrorKind(err) === "invalid") return sendJson(res, 400, { kind: "invalid_client_params", value: "a value cannot be stored" });
  sendJson(res, 503, { kind: "unavailable", value: "lock service unavailable, retry later" }, { "retry-after": "5" });
}

/** FleetLock RecursiveLock: 200 when the client holds a slot (new or already held). */
export async function handlePreReboot(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  try {
    const p = await readFleetLockBody(req);
    // A granted slot moves the host to rebooting: not for a host enrolled with a token.
    const hostId = normalizeMachineId(p.id);
    if (hostId && (await deps.gate.admit(hostId, "fleetlock", clientAddress(req, deps.trustProxy))) === "host_enrolled_with_token") {
      throw new FleetLockError(403, "host_enrolled_with_token", "this node is enrolled with a token; only its own agent reports for it");
    }
    const r = await acquireRebootSlot(deps.database.db, p.group, p.id, clientAddress(req, deps.trustProxy), { ttlMinutes: deps.fleetLockSlotTtlMinutes ?? 0 });
    if (r.refused) throw new FleetLockError(409, "failed_lock", r.refused);
    if (!r.granted) throw new FleetLockError(409, "failed_lock_semaphore_full", `all ${r.slots} reboot slots of group ${p.group} are taken`);
    sendJson(res, 200, { kind: "ok", value: `slot held (${r.holders}/${r.slots})` });
  } catch (err) {
    sendFleetLockError(res, err);
  }
}

/** FleetLock UnlockIfHeld. */
export async function handleSteadyState(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  try {
    const p = await readFleetLockBody(req);
    await releaseRebootSlot(deps.database.db, p.group, p.id);
    sendJson(res, 200, { kind: "ok", value: "slot released" });
  } catch (err) {
    sendFleetLockError(res, err);
  }
}
