import type { IngestReport } from "@/db/queries/ingest";

/** A stored-report fixture with realistic defaults; override what a test is about. */
export function report(overrides: Partial<IngestReport> & { hostId: string }): IngestReport {
  return {
    receivedAt: new Date(),
    protocol: "native",
    kind: "report",
    hostname: `host-${overrides.hostId.slice(0, 6)}`,
    osFamily: "flatcar",
    osVersion: "4081.2.0",
    arch: "amd64",
    slot: "A",
    deploymentId: null,
    previousVersion: null,
    updateState: "idle",
    errorCode: null,
    errorMessage: null,
    health: [],
    labels: {},
    groupId: "default",
    agentVersion: null,
    clientAddr: "127.0.0.1",
    detail: {},
    ...overrides,
  };
}
