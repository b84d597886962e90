import { describe, expect, it } from "vitest";
import { compareVersions } from "../update/version";
import { fcosHostGuidance, fcosManualStep, fcosRollbackHold } from "./manual-step";

const SUM = "ab".repeat(32);
const IMG = `quay.io/fedora/fedora-coreos@sha256:${"cd".repeat(32)}`;
const pin = { scope: "group" as const, targetId: "workers", version: "40.20240301.3.0", owner: "ops@example.com", reason: "kernel panic on boot", createdAt: new Date("2026-12-01T10:00:00Z"), allowDowngrade: true };

describe("FCOS manual rollback step", () => {
  it("is rpm-ostree rollback -r when the wanted release is the previous deployment", () => {
    expect(fcosManualStep({ version: "40.1", ostreeChecksum: SUM, ociPullspec: null, hostVersion: "40.2", previousVersion: "40.1", oci: false })).toMatchObject({ kind: "rollback", command: "sudo rpm-ostree rollback -r" });
  });

  it("else deploys the exact payload as Zincati does (src/rpm_ostree/cli_deploy.rs:111-131)", () => {
    expect(fcosManualStep({ version: "40.1", ostreeChecksum: SUM, ociPullspec: IMG, hostVersion: "40.3", previousVersion: "40.2", oci: false })?.command).toBe(`sudo rpm-ostree deploy --reboot --skip-branch-check revision=${SUM}`);
    // An image-booted host deploys the digest (cli_deploy.rs:120-122).
    expect(fcosManualStep({ version: "40.1", ostreeChecksum: SUM, ociPullspec: IMG, hostVersion: "40.3", previousVersion: null, oci: true })?.command).toBe(`sudo rpm-ostree deploy --reboot sha256:${"cd".repeat(32)}`);
    expect(fcosManualStep({ version: "40.1", ostreeChecksum: SUM, ociPullspec: null, hostVersion: "40.3", previousVersion: null, oci: true })?.command).toBe("sudo rpm-ostree deploy --reboot version=40.1");
    expect(fcosManualStep({ version: "40.1", ostreeChecksum: SUM, ociPullspec: null, hostVersion: "40.1", previousVersion: "40.2", oci: false })).toBeNull();
  });

  it("the stored hold names who, why and both commands", () => {
    const text = fcosRollbackHold(pin, { ostreeChecksum: SUM, ociPullspec: null, oci: false });
    expect(text).toBe(`rollback to 40.20240301.3.0 ordered by ops@example.com: kernel panic on boot. Zincati never downgrades: on the host run \`sudo rpm-ostree rollback -r\` if 40.20240301.3.0 is its previous deployment, else \`sudo rpm-ostree deploy --reboot --skip-branch-check revision=${SUM}\``);
  });

  it("the host page guidance: pending with the step, done after the rollback, held for a plain pin", () => {
    const pending = fcosHostGuidance({ host: { osVersion: "40.20240316.3.0", previousVersion: "40.20240301.3.0", deploymentId: "ef".repeat(32) }, pin, release: { ostreeChecksum: SUM, ociPullspec: null }, compare: compareVersions });
    expect(pending).toMatchObject({ kind: "rollback", status: "pending", owner: "ops@example.com", reason: "kernel panic on boot", scope: "group", since: "2026-12-01T10:00:00.000Z", step: { kind: "rollback", command: "sudo rpm-ostree rollback -r" } });
    expect(pending.summary).toMatch(/^group workers rolled back to 40.20240301.3.0 by ops@example.com: kernel panic on boot\. The host still runs 40.20240316.3.0/);
    const oci = fcosHostGuidance({ host: { osVersion: "40.20240401.3.0", previousVersion: "40.20240316.3.0", deploymentId: IMG }, pin, release: { ostreeChecksum: SUM, ociPullspec: IMG }, compare: compareVersions });
    expect(oci.step?.command).toBe(`sudo rpm-ostree deploy --reboot sha256:${"cd".repeat(32)}`);
    const done = fcosHostGuidance({ host: { osVersion: "40.20240301.3.0", previousVersion: "40.20240316.3.0", deploymentId: SUM }, pin, release: null, compare: compareVersions });
    expect(done).toMatchObject({ status: "done", step: null });
    const held = fcosHostGuidance({ host: { osVersion: "40.20240316.3.0", previousVersion: null, deploymentId: SUM }, pin: { ...pin, allowDowngrade: false }, release: null, compare: compareVersions });
    expect(held).toMatchObject({ kind: "pin", status: "held", step: null });
    expect(held.summary).toMatch(/A pin never downgrades/);
  });
});
