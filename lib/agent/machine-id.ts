/**
 * Normalizes a machine id as agents send it: Omaha's `machineid` (usually bare hex, sometimes
 * braced), Zincati's `node_uuid`, a UUID with dashes. Returns 32 lowercase hex digits or null.
 */
export function normalizeMachineId(raw: string): string | null {
  const stripped = raw.trim().replace(/^\{|\}$/g, "").replace(/-/g, "").toLowerCase();
  return /^[0-9a-f]{32}$/.test(stripped) ? stripped : null;
}

/** Architectures are reported as `amd64-usr`, `x86_64`, `aarch64`, …; the fleet view uses one name. */
export function normalizeArch(raw: string): string {
  const a = raw.trim().toLowerCase().replace(/-usr$/, "");
  if (a === "x86_64" || a === "x64") return "amd64";
  if (a === "aarch64") return "arm64";
  return a;
}
