import type http from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";

export interface ConnectionCapOptions {
  total: number;
  /** Per client address; null turns it off (behind a trusted proxy every connection shares one). */
  perAddress: number | null;
}

/**
 * Connections past a cap that may still ask for /healthz, and for how long. A flood of idle
 * connections must not blind the probes that would report it: the newest few connections past
 * the cap are held briefly and answer only the health check; older ones are closed.
 */
export const PROBE_HEADROOM = 32;
const PROBE_DEADLINE_MS = 2_000;
const LOG_EVERY_MS = 10_000;

/** Sockets accepted past a cap: the request handler answers them only on /healthz. */
const probeOnly = new WeakSet<Socket>();

export function isProbeOnly(socket: Socket): boolean {
  return probeOnly.has(socket);
}

/**
 * Caps open connections per process and per client address. ~20,000 slow connections used to
 * make the server unreachable for a minute with nothing logged; now the excess is closed as it
 * arrives and a warning (at most one per 10 s, with counts) says by whom.
 */
export function capConnections(server: http.Server, opts: ConnectionCapOptions, log: Logger): void {
  let open = 0;
  const byAddress = new Map<string, number>();
  let refused = 0;
  let lastLog = 0;
  const refusedBy = new Map<string, number>();
  /** Over-cap connections still held for a health check, oldest first. */
  const waiting = new Set<Socket>();

  const report = (address: string, reason: string) => {
    refused++;
    refusedBy.set(address, (refusedBy.get(address) ?? 0) + 1);
    const now = Date.now();
    if (now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    const top = [...refusedBy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([addr, n]) => ({ addr, refused: n }));
    log.warn({ reason, refused, open, total: opts.total, perAddress: opts.perAddress, top }, "connection cap reached: closing new connections");
    refused = 0;
    refusedBy.clear();
  };

  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const mine = (byAddress.get(address) ?? 0) + 1;
    byAddress.set(address, mine);
    open++;
    socket.once("close", () => {
      open--;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left <= 0) byAddress.delete(address);
      else byAddress.set(address, left);
    });
    const overTotal = open - opts.total;
    const overAddress = opts.perAddress === null ? 0 : mine - opts.perAddress;
    const over = Math.max(overTotal, overAddress);
    if (over <= 0) return;
    report(address, overAddress > 0 ? "per-address" : "total");
    // The newest over-cap connection always gets its chance and the oldest held one goes: a
    // probe sends its request right after connecting, so a flood cannot keep it out.
    probeOnly.add(socket);
    waiting.add(socket);
    socket.once("close", () => waiting.delete(socket));
    socket.setTimeout(PROBE_DEADLINE_MS, () => socket.destroy());
    if (waiting.size > PROBE_HEADROOM) {
      const oldest = waiting.values().next().value;
      waiting.delete(oldest!);
      oldest?.destroy();
    }
  });
}
