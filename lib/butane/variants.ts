// Butane variants and versions Flotilla translates, with the Ignition spec
// each targets and the Butane "base" generation that decides which sugar it
// has (coreos/butane config/config.go and base/v0_N). Versions follow
// Butane 0.27: fcos 1.7.0 is stable on Ignition 3.6.0, and the experimental
// specs target 3.7.0-experimental.

export type Variant = "fcos" | "flatcar";

export interface Target {
  readonly variant: Variant;
  /** Canonical Butane version, e.g. "1.5.0". */
  readonly version: string;
  readonly ignitionVersion: string;
  /** Butane base generation: 1 = base/v0_1 (Ignition 3.0) … 8 = base/v0_8_exp. */
  readonly base: number;
  /** fcos minor version (0 for flatcar): gates boot_device, grub and fcos-only checks. */
  readonly fcosMinor: number;
}

interface Row {
  readonly variant: Variant;
  readonly version: string;
  readonly ignition: string;
  readonly base: number;
  readonly fcosMinor: number;
}

const ROWS: readonly Row[] = [
  { variant: "fcos", version: "1.0.0", ignition: "3.0.0", base: 1, fcosMinor: 0 },
  { variant: "fcos", version: "1.1.0", ignition: "3.1.0", base: 2, fcosMinor: 1 },
  { variant: "fcos", version: "1.2.0", ignition: "3.2.0", base: 3, fcosMinor: 2 },
  { variant: "fcos", version: "1.3.0", ignition: "3.2.0", base: 3, fcosMinor: 3 },
  { variant: "fcos", version: "1.4.0", ignition: "3.3.0", base: 4, fcosMinor: 4 },
  { variant: "fcos", version: "1.5.0", ignition: "3.4.0", base: 5, fcosMinor: 5 },
  { variant: "fcos", version: "1.6.0", ignition: "3.5.0", base: 6, fcosMinor: 6 },
  { variant: "fcos", version: "1.7.0", ignition: "3.6.0", base: 7, fcosMinor: 7 },
  // Butane 0.23–0.26 named this 1.7.0-experimental (for 3.6.0-experimental,
  // which became 3.6.0); configs written then keep working.
  { variant: "fcos", version: "1.7.0-experimental", ignition: "3.6.0", base: 7, fcosMinor: 7 },
  { variant: "fcos", version: "1.8.0-experimental", ignition: "3.7.0-experimental", base: 8, fcosMinor: 8 },
  { variant: "flatcar", version: "1.0.0", ignition: "3.3.0", base: 4, fcosMinor: 0 },
  { variant: "flatcar", version: "1.1.0", ignition: "3.4.0", base: 5, fcosMinor: 0 },
  { variant: "flatcar", version: "1.2.0-experimental", ignition: "3.7.0-experimental", base: 8, fcosMinor: 0 },
];

export function findTarget(variant: string, canonicalVersion: string): Target | undefined {
  const row = ROWS.find((r) => r.variant === variant && r.version === canonicalVersion);
  if (row === undefined) return undefined;
  return { variant: row.variant, version: row.version, ignitionVersion: row.ignition, base: row.base, fcosMinor: row.fcosMinor };
}

export function isKnownVariant(variant: string): boolean {
  return ROWS.some((r) => r.variant === variant);
}

export function versionsOf(variant: string): string[] {
  return ROWS.filter((r) => r.variant === variant).map((r) => r.version);
}

/**
 * Variants Butane knows (coreos/butane config/config.go:71-104, main at cb34e120) that Flotilla
 * deliberately does not translate, with the reason given to the operator. Every fcos and flatcar
 * version Butane registers is in ROWS above.
 */
export const REFUSED_VARIANTS: Readonly<Record<string, { versions: string; reason: string }>> = {
  openshift: {
    versions: "4.8.0–4.22.0, 4.23.0-experimental",
    reason: "it produces an OpenShift MachineConfig for the Machine Config Operator, not a first-boot Ignition config a host fetches",
  },
  r4e: {
    versions: "1.0.0, 1.1.0, 1.2.0-experimental",
    reason: "RHEL for Edge has its own field restrictions (no storage devices, no kernel arguments) that Flotilla does not check; write fcos or plain Ignition",
  },
  fiot: {
    versions: "1.0.0, 1.1.0-experimental",
    reason: "Fedora IoT has its own field restrictions that Flotilla does not check; write fcos or plain Ignition",
  },
  rhcos: { versions: "0.1.0", reason: "Butane itself refuses it (use openshift)" },
};
