/**
 * The update agents a virtual host can run: Flotilla's native agent, Flatcar's
 * update_engine (Omaha) or Fedora CoreOS's Zincati (Cincinnati graph + FleetLock).
 */
export const PROTOCOLS = ["flatcar", "fcos", "native"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Relative weights of the protocols in a fleet, e.g. `[["flatcar", 45], ["fcos", 35], ["native", 20]]`. */
export type ProtocolMix = ReadonlyArray<readonly [Protocol, number]>;

/** `--mix` without a value: a fleet where all three agents show side by side. */
export const DEFAULT_MIX: ProtocolMix = [
  ["flatcar", 45],
  ["fcos", 35],
  ["native", 20],
];

export const NATIVE_ONLY: ProtocolMix = [["native", 1]];

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/**
 * Parses `flatcar=45,fcos=35,native=20` (weights, any scale; `%` allowed). Throws an Error
 * with a readable reason on anything else.
 */
export function parseMix(raw: string): ProtocolMix {
  const seen = new Map<Protocol, number>();
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*%?$/i.exec(part);
    if (!m) throw new Error(`"${part}" is not protocol=weight (e.g. flatcar=45)`);
    const name = m[1]!.toLowerCase();
    if (!isProtocol(name)) throw new Error(`unknown protocol "${m[1]}" (known: ${PROTOCOLS.join(", ")})`);
    if (seen.has(name)) throw new Error(`${name} is given twice`);
    seen.set(name, Number(m[2]));
  }
  const mix = PROTOCOLS.filter((p) => (seen.get(p) ?? 0) > 0).map((p) => [p, seen.get(p)!] as const);
  if (mix.length === 0) throw new Error("the mix needs at least one protocol with a weight above 0");
  return mix;
}

/** `flatcar 45 %, fcos 35 %, native 20 %`. */
export function describeMix(mix: ProtocolMix): string {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  return mix.map(([p, w]) => `${p} ${Math.round((w / total) * 100)} %`).join(", ");
}

export function mixIncludes(mix: ProtocolMix, protocol: Protocol): boolean {
  return mix.some(([p, w]) => p === protocol && w > 0);
}
