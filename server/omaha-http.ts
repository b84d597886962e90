import type { IncomingMessage, ServerResponse } from "node:http";
import type { IngestReport } from "@/db/queries/ingest";
import { decideUpdate, type UpdateDecision } from "@/lib/update/decide";
import { failedVersionsFor, resolveChannel } from "@/lib/update/policy";
import { decodeErrorCode, ROLLBACK_DETECTED } from "@/lib/omaha/error-codes";
import { omahaOutcome } from "@/lib/omaha/lifecycle";
import { MAX_OMAHA_BODY, OmahaRequestError, parseOmahaRequest, type OmahaApp } from "@/lib/omaha/request";
import { buildOmahaResponse, type OmahaAppAnswer, type OmahaOffer } from "@/lib/omaha/response";
import { AppError } from "@/lib/errors";
import { dataErrorKind } from "@/lib/db-errors";
import type { AgentDeps } from "./agent-http";
import { clientAddress, readBody } from "./http-util";
import { gateOffer } from "./offer-gate";
import { noteBootFailure } from "./host-failures";

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8", "content-length": Buffer.byteLength(xml), "cache-control": "no-store" });
  res.end(xml);
}

function offerOf(d: UpdateDecision): OmahaOffer | null {
  if (d.kind !== "offer") return null;
  const r = d.release;
  // A release without a complete Flatcar payload cannot be offered: update_engine would fail.
  if (!r.payloadUrl || !r.payloadName || !r.sizeBytes || !r.sha1Base64 || !r.sha256Base64) return null;
  return {
    version: r.version,
    codebase: r.payloadUrl.endsWith("/") ? r.payloadUrl : `${r.payloadUrl}/`,
    packageName: r.payloadName,
    sizeBytes: r.sizeBytes,
    sha1Base64: r.sha1Base64,
    sha256Base64: r.sha256Base64,
    extensions: r.extensionPayloads ?? [],
  };
}

/**
 * Omaha v3 for Flatcar's update_engine. Every request is stored as a report (check-ins and
 * events alike) before it is answered; policy holds answer `noupdate` (an `error-*` status
 * would become client error 34) and the reason is kept on the host.
 */
export async function handleOmaha(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_OMAHA_BODY);
  } catch (err) {
    if (err instanceof AppError) return sendXmlError(res, err.status, err.message);
    throw err;
  }
  let parsed;
  try {
    parsed = parseOmahaRequest(raw.toString("utf8"));
  } catch (err) {
    if (err instanceof OmahaRequestError) return sendXmlError(res, 400, err.reason);
    throw err;
  }
  // Every app is answered in the request's order; another product's app gets
  // error-unknownApplication, and HTTP says 400 only when no app was ours (as go-omaha's server).
  const unknown = parsed.unknownApps.map((u) => ({ index: u.index, answer: { appId: u.appId, status: "error-unknownApplication" as const, ping: false, updateCheck: false, eventCount: 0, offer: null } }));
  if (parsed.apps.length === 0) return sendXml(res, 400, buildOmahaResponse(unknown.map((u) => u.answer)));
  const policy = await deps.policy.get();
  const now = new Date();
  const clientAddr = clientAddress(req, deps.trustProxy);
  const answers: Array<{ index: number; answer: OmahaAppAnswer }> = [...unknown];
  const reports: IngestReport[] = [];
  for (const app of parsed.apps) {
    // An anonymous request may not rewrite a host enrolled with a token nor enroll past the
    // new-host cap: it gets a plain noupdate (update_engine turns any error status into its
    // error 34) and nothing is stored; the gate counts and reports the refusal.
    let admission;
    try {
      admission = await deps.gate.admit(app.machineId, "omaha", clientAddr);
    } catch {
      return sendXmlError(res, 503, "database unavailable, retry later", { "retry-after": "60" });
    }
    if (admission === "host_enrolled_with_token" || admission === "new_host_cap") {
      answers.push({ index: app.index, answer: { appId: app.appId, status: "ok", ping: app.ping, updateCheck: app.updateCheck, eventCount: app.events.length, offer: null } });
      continue;
    }
    let offer: OmahaOffer | null = null;
    let decision: UpdateDecision | null = null;
    const channel = resolveChannel(policy, "flatcar", app.track, app.track);
    // GRUB fell back (3/0 errorcode 44): the version this host was offered failed to boot here.
    const fallback = app.events.find((e) => e.type === 3 && e.result === 0 && decodeErrorCode(e.errorCode ?? 1).code === ROLLBACK_DETECTED);
    const failedVersions = fallback
      ? await noteBootFailure(deps, policy, { hostId: app.machineId, runningVersion: app.version, source: "omaha_rollback", errorCode: String(ROLLBACK_DETECTED), errorMessage: decodeErrorCode(fallback.errorCode ?? 1).name, at: now })
      : failedVersionsFor(policy, app.machineId);
    if (app.updateCheck) {
      decision = decideUpdate(policy, channel, { id: app.machineId, groupId: app.track, version: app.version, arch: app.arch, archProblem: app.archProblem, failedVersions }, now);
      decision = await gateOffer(deps, policy, decision, { id: app.machineId, groupId: app.track });
      offer = offerOf(decision);
    }
    answers.push({ index: app.index, answer: { appId: app.appId, status: "ok", ping: app.ping, updateCheck: app.updateCheck, eventCount: app.events.length, offer } });
    reports.push({ ...toReport(app, parsed.updaterVersion, parsed.installSource, decision, offer, now, clientAddr), channelId: channel?.id ?? null });
  }
  try {
    await Promise.all(reports.map((r) => deps.writer.submit(r)));
  } catch (err) {
    // A row the database refuses (it was retried alone) is this request's fault, not an outage.
    if (dataErrorKind(err) === "invalid") return sendXmlError(res, 400, "request holds a value that cannot be stored");
    // Not stored means not acknowledged: update_engine retries a failed request later.
    return sendXmlError(res, 503, "database unavailable, retry later", { "retry-after": "60" });
  }
  deps.metrics.reportsIngested.inc({ protocol: "omaha" }, reports.length);
  sendXml(res, 200, buildOmahaResponse(answers.sort((a, b) => a.index - b.index).map((a) => a.answer)));
}

function toReport(
  app: OmahaApp,
  updaterVersion: string | null,
  installSource: string | null,
  decision: UpdateDecision | null,
  offer: OmahaOffer | null,
  receivedAt: Date,
  clientAddr: string | null,
): IngestReport {
  const outcome = omahaOutcome(app, offer !== null);
  const hold = decision?.kind === "hold" ? decision.detail : decision && !offer ? "release has no complete Flatcar payload" : null;
  return {
    hostId: app.machineId,
    receivedAt,
    protocol: "omaha",
    kind: app.events.length ? "event" : "check",
    hostname: app.machineAlias ?? "",
    osFamily: "flatcar",
    osVersion: app.version,
    arch: app.arch,
    slot: null,
    deploymentId: null,
    previousVersion: outcome.previousVersion,
    updateState: outcome.state,
    errorCode: outcome.errorCode,
    errorMessage: outcome.errorMessage,
    health: [],
    labels: {},
    groupId: app.track,
    agentVersion: updaterVersion,
    clientAddr,
    bootId: app.bootId,
    platform: app.oem,
    firstVersion: app.alephVersion,
    offeredVersion: offer?.version ?? null,
    holdReason: app.updateCheck ? hold : null,
    rollout: offer && decision?.kind === "offer" ? (decision.rollout ?? null) : null,
    detail: {
      ...(app.events.length ? { events: app.events.map((e, i) => ({ ...e, name: outcome.eventNames[i] })) } : {}),
      ...(app.updateCheck ? { updateCheck: offer ? { offered: offer.version, ...(decision?.kind === "offer" && decision.barrier ? { barrier: decision.barrier } : {}) } : { hold } } : {}),
      ...(installSource ? { installSource } : {}),
      ...(app.bootId ? { bootId: app.bootId } : {}),
    },
  };
}

/** Omaha has no error element for a malformed request: an HTTP error with a text reason. */
function sendXmlError(res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="flotilla"><error reason="${reason.replace(/[<>&"]/g, "")}"></error></response>\n`;
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
