import type { IncomingMessage, ServerResponse } from "node:http";
import type { IngestReport } from "@/db/queries/ingest";
import { bounded } from "@/lib/agent/field-bounds";
import { normalizeMachineId } from "@/lib/agent/machine-id";
import { buildGraph, derivedWariness, explainNoEdge, graphArch, GraphQuerySchema, nextUpdate, type GraphInput } from "@/lib/cincinnati/graph";
import { fcosRollbackHold } from "@/lib/cincinnati/manual-step";
import { activePin, channelArchKey, failedVersionsFor, resolveChannel } from "@/lib/update/policy";
import { decideUpdate } from "@/lib/update/decide";
import type { AgentDeps } from "./agent-http";
import { clientAddress, sendJson } from "./http-util";
import { gateOffer } from "./offer-gate";

function graphError(res: ServerResponse, status: number, kind: string, value: string): void {
  // Like every other 503: Zincati and proxies learn when to come back.
  sendJson(res, status, { kind, value }, status === 503 ? { "retry-after": "5" } : {});
}

/**
 * Cincinnati graph for Zincati. The edge set is the policy for this client; each poll with a
 * node_uuid and os_version is also that host's report (Zincati sends no other).
 */
export async function handleGraph(req: IncomingMessage, res: ServerResponse, deps: AgentDeps): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parsed = GraphQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return graphError(res, 400, "invalid_params", `${issue.path.join(".")}: ${issue.message}`);
  }
  const q = parsed.data;
  const arch = graphArch(q.basearch);
  const policy = await deps.policy.get();
  const channel = resolveChannel(policy, "fcos", q.group, q.stream);
  const hostId = q.node_uuid ? normalizeMachineId(q.node_uuid) : null;
  if (hostId && q.os_version) {
    // A poll is the host's report: refused for a host enrolled with a token and past the
    // new-host cap (ARCHITECTURE.md "Trust model"); Zincati logs the error and polls again.
    let admission;
    try {
      admission = await deps.gate.admit(hostId, "cincinnati", clientAddress(req, deps.trustProxy));
    } catch {
      return graphError(res, 503, "unavailable", "database unavailable, retry later");
    }
    if (admission === "host_enrolled_with_token") return graphError(res, 403, admission, "this node is enrolled with a token; only its own agent reports for it");
    if (admission === "new_host_cap") return graphError(res, 429, admission, "too many new nodes right now, retry later");
  }
  const wariness = q.rollout_wariness ?? derivedWariness(hostId ?? q.node_uuid ?? "");
  const releases = channel ? (policy.releasesByChannelArch.get(channelArchKey(channel.id, arch)) ?? []) : [];
  const now = new Date();
  const pin = activePin(policy, hostId ?? "", q.group, now);
  let decision = hostId && q.os_version ? decideUpdate(policy, channel, { id: hostId, groupId: q.group, version: q.os_version, arch, failedVersions: failedVersionsFor(policy, hostId) }, now) : null;
  // What the host is led to: the decision's offer (a pin, the group's rollout), else the pin or the channel target.
  const targetVersion =
    decision?.kind === "offer" ? decision.release.version : (pin?.version ?? (channel?.targetReleaseId ? (policy.releases.get(channel.targetReleaseId)?.version ?? null) : null));
  // oci=true: the OCI graph, whose payloads are image pullspecs (fedora-coreos-cincinnati commons/src/graph.rs:40-57).
  const graphInput: GraphInput = { releases, channel, wariness, now, targetVersion, pinned: pin !== null, oci: q.oci };
  let graph = buildGraph(graphInput);

  if (hostId && q.os_version && decision) {
    // A rollback of an FCOS host is done on the host (Zincati never downgrades): no way on,
    // and the hold says who ordered it, why, and what to run there.
    const fcosRollback = decision.kind === "offer" && decision.rollback && pin ? fcosRollbackHold(pin, { ostreeChecksum: decision.release.ostreeChecksum, ociPullspec: decision.release.ociPullspec, oci: q.oci }) : null;
    // A hold (paused, pinned here, outside the maintenance window, recalled, …) is a graph
    // without a way on for this host.
    if (decision.kind === "hold" || fcosRollback) graph = buildGraph({ ...graphInput, targetVersion: null });
    let next = q.os_checksum ? nextUpdate(graph, q.os_checksum) : null;
    if (next) {
      // The graph is the offer: in a limited group the host needs an update slot for it.
      const gated = await gateOffer(deps, policy, { kind: "offer", release: releases.find((r) => r.version === next!.version)!, pinned: pin !== null, rollback: false, ...(decision.kind === "offer" && decision.rollout && decision.release.version === next.version ? { rollout: decision.rollout } : {}) }, { id: hostId, groupId: q.group });
      if (gated.kind === "hold") {
        decision = gated;
        graph = buildGraph({ ...graphInput, targetVersion: null });
        next = null;
      }
    }
    const holdReason = next ? null : (fcosRollback ?? (decision.kind === "hold" ? decision.detail : explainNoEdge(graphInput, graph, q.os_checksum || null)));
    const report: IngestReport = {
      hostId,
      receivedAt: new Date(),
      protocol: "cincinnati",
      kind: "poll",
      hostname: "",
      osFamily: "fcos",
      osVersion: q.os_version,
      arch,
      slot: null,
      deploymentId: q.os_checksum ?? null,
      previousVersion: null,
      updateState: next ? "checking" : "idle",
      errorCode: null,
      errorMessage: null,
      health: [],
      labels: {},
      groupId: q.group,
      channelId: channel?.id ?? null,
      agentVersion: bounded("agentVersion", req.headers["user-agent"]) ?? "zincati",
      clientAddr: clientAddress(req, deps.trustProxy),
      platform: q.platform ?? null,
      wariness,
      offeredVersion: next?.version ?? null,
      holdReason,
      rollout: next && decision.kind === "offer" && decision.release.version === next.version ? (decision.rollout ?? null) : null,
      detail: { stream: q.stream, ...(q.oci ? { oci: true } : {}), ...(next ? { offered: next.version } : { hold: holdReason }) },
    };
    try {
      await deps.writer.submit(report);
    } catch {
      return graphError(res, 503, "unavailable", "database unavailable, retry later");
    }
    deps.metrics.reportsIngested.inc({ protocol: "cincinnati" });
  }
  sendJson(res, 200, graph);
}
