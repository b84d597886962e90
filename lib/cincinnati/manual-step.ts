import { isPullspecError, parsePullspec } from "./oci";

/**
 * What a Fedora CoreOS host's operator must run to roll it back. Zincati never downgrades
 * (zincati src/cincinnati/mod.rs:308-315 rejects a target not newer than the booted release
 * unless the host allows downgrades) and never re-installs a deployment already on disk
 * (mod.rs:259-289, the local deployments are a denylist), so a rollback is done on the host:
 * `rpm-ostree rollback -r` when the wanted release is the host's previous (rollback)
 * deployment, else a deploy of the release's exact payload, as Zincati itself deploys one
 * (src/rpm_ostree/cli_deploy.rs:111-131: `deploy <digest>` for an image, `deploy
 * --skip-branch-check revision=<checksum>` for an OSTree commit), with `--reboot`.
 */
export interface FcosManualStep {
  /** `rollback`: the previous deployment is the wanted one; `deploy`: the wanted release by its payload. */
  kind: "rollback" | "deploy";
  command: string;
  /** One sentence: why this command (and what it does). */
  note: string;
}

export interface FcosRollbackFacts {
  /** The release the host should run. */
  version: string;
  /** Its payloads for the host's arch, from the catalog (null: unknown). */
  ostreeChecksum: string | null;
  ociPullspec: string | null;
  /** What the host runs and ran before (the rollback deployment), as recorded from its polls. */
  hostVersion: string;
  previousVersion: string | null;
  /** The host is booted from an OCI image (its os_checksum is a pullspec). */
  oci: boolean;
}

export const ROLLBACK_COMMAND = "sudo rpm-ostree rollback -r";

/** The deploy command for a release's payload, or null when the catalog lacks the payload of the host's kind. */
export function fcosDeployCommand(facts: Pick<FcosRollbackFacts, "ostreeChecksum" | "ociPullspec" | "oci">): string | null {
  if (facts.oci) {
    const spec = facts.ociPullspec ? parsePullspec(facts.ociPullspec) : null;
    return spec && !isPullspecError(spec) ? `sudo rpm-ostree deploy --reboot ${spec.digest}` : null;
  }
  return facts.ostreeChecksum ? `sudo rpm-ostree deploy --reboot --skip-branch-check revision=${facts.ostreeChecksum}` : null;
}

/** The manual step for a host that should go back to `facts.version`, or null when it already runs it. */
export function fcosManualStep(facts: FcosRollbackFacts): FcosManualStep | null {
  if (facts.hostVersion === facts.version) return null;
  if (facts.previousVersion === facts.version) {
    return { kind: "rollback", command: ROLLBACK_COMMAND, note: `${facts.version} is this host's previous deployment: rpm-ostree boots back into it (Zincati never downgrades by itself).` };
  }
  const deploy = fcosDeployCommand(facts);
  if (deploy) {
    return {
      kind: "deploy",
      command: deploy,
      note: `${facts.version} is not this host's previous deployment${facts.previousVersion ? ` (${facts.previousVersion})` : ""}: deploy it by its exact ${facts.oci ? "image digest" : "OSTree commit"} (Zincati never downgrades by itself).`,
    };
  }
  return {
    kind: "deploy",
    command: `sudo rpm-ostree deploy --reboot version=${facts.version}`,
    note: `the catalog has no ${facts.oci ? "image pullspec" : "OSTree commit"} of ${facts.version} for this host's architecture: deploy it by version (Zincati never downgrades by itself).`,
  };
}

/**
 * The hold a rollback pin puts on an FCOS host that still runs a newer release, for the graph
 * poll's stored hold reason: who, why, and the command (both forms: the poll does not know
 * the host's previous deployment; the host page shows the one that applies).
 */
export function fcosRollbackHold(pin: { version: string; owner: string; reason: string }, facts: Pick<FcosRollbackFacts, "ostreeChecksum" | "ociPullspec" | "oci">): string {
  const deploy = fcosDeployCommand(facts) ?? `sudo rpm-ostree deploy --reboot version=${pin.version}`;
  return `rollback to ${pin.version} ordered by ${pin.owner}: ${pin.reason}. Zincati never downgrades: on the host run \`${ROLLBACK_COMMAND}\` if ${pin.version} is its previous deployment, else \`${deploy}\``;
}

/** What the host page says about the pin or rollback on an FCOS host: who, when, why, and the step left. */
export interface FcosHostGuidance {
  kind: "rollback" | "pin";
  scope: "host" | "group";
  version: string;
  owner: string;
  reason: string;
  since: string;
  /** pending: the host still runs something else and must act; done: it runs `version`; held: a pin that never downgrades. */
  status: "pending" | "done" | "held";
  summary: string;
  step: FcosManualStep | null;
}

export interface FcosGuidanceInput {
  host: { osVersion: string; previousVersion: string | null; deploymentId: string | null };
  pin: { scope: "host" | "group"; targetId: string; version: string; owner: string; reason: string; createdAt: Date; allowDowngrade: boolean };
  /** The pinned release's payloads for the host's arch (null: not in the catalog for it). */
  release: { ostreeChecksum: string | null; ociPullspec: string | null } | null;
  compare: (a: string, b: string) => number;
}

export function fcosHostGuidance({ host, pin, release, compare }: FcosGuidanceInput): FcosHostGuidance {
  // An OCI-booted host reports a pullspec as its deployment (zincati src/identity/mod.rs:145-148).
  const oci = host.deploymentId !== null && host.deploymentId.includes("@");
  const who = `${pin.scope === "group" ? `group ${pin.targetId}` : "this host"} ${pin.allowDowngrade ? "rolled back" : "pinned"} to ${pin.version} by ${pin.owner}`;
  const base = { kind: pin.allowDowngrade ? ("rollback" as const) : ("pin" as const), scope: pin.scope, version: pin.version, owner: pin.owner, reason: pin.reason, since: pin.createdAt.toISOString() };
  const cmp = compare(host.osVersion, pin.version);
  if (cmp === 0) {
    return { ...base, status: "done", step: null, summary: `${who}: ${pin.reason}. The host runs ${pin.version}; Zincati is offered nothing else while the ${pin.allowDowngrade ? "rollback" : "pin"} stands.` };
  }
  if (cmp < 0 || !pin.allowDowngrade) {
    const way = cmp < 0 ? `Zincati is led up to ${pin.version} and no further` : `a pin never downgrades: the host stays on ${host.osVersion} and is offered nothing newer`;
    return { ...base, status: "held", step: null, summary: `${who}: ${pin.reason}. ${way[0]!.toUpperCase()}${way.slice(1)}.` };
  }
  const step = fcosManualStep({ version: pin.version, ostreeChecksum: release?.ostreeChecksum ?? null, ociPullspec: release?.ociPullspec ?? null, hostVersion: host.osVersion, previousVersion: host.previousVersion, oci });
  return { ...base, status: "pending", step, summary: `${who}: ${pin.reason}. The host still runs ${host.osVersion}: Zincati never downgrades, so the rollback happens when the host's operator runs the command below; Flotilla offers it nothing newer meanwhile.` };
}
