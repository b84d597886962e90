import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnOperatorServer, type ServerProcess } from "../helpers/processes";

const TOKEN = "edge-limits-enrollment-token-0123";

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0);
}

function labelValues(metrics: string): Set<string> {
  return new Set([...metrics.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!));
}

/**
 * Sends a request over a raw socket: headers, then `total` body bytes in 64 KiB chunks (chunked
 * encoding unless `contentLength` is given) for as long as the server keeps reading. Resolves with
 * what the server answered and how many body bytes went out before it closed.
 */
function rawPost(url: string, path: string, total: number, opts: { contentLength?: number; onChunk?: () => void } = {}): Promise<{ response: string; sent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let response = "";
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ response, sent });
    };
    socket.on("data", (c: Buffer) => (response += c.toString()));
    socket.on("close", finish);
    socket.on("error", finish);
    const chunked = opts.contentLength === undefined;
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        (chunked ? "Transfer-Encoding: chunked\r\n" : `Content-Length: ${opts.contentLength}\r\n`) +
        "\r\n",
    );
    const block = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!done && sent < total) {
        opts.onChunk?.();
        const data = chunked ? Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from("\r\n")]) : block;
        sent += block.length;
        if (!socket.write(data)) return void socket.once("drain", pump);
      }
      if (!done && chunked) socket.write("0\r\n\r\n");
    };
    pump();
    setTimeout(finish, 60_000).unref();
  });
}

describe("the open edge, with real sockets against a server process", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnOperatorServer({ FLOTILLA_DATA_DIR: "memory://", FLOTILLA_ENROLLMENT_TOKEN: TOKEN });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("labels only known routes: 1,000 invented /v1 and /api/v1 paths add no label values", { timeout: 120_000 }, async () => {
    // Warm each kind of path once so the fixed labels exist before counting.
    for (const p of ["/v1/warm", "/api/v1/warm", "/api/warm", "/warm", "/metrics"]) await (await fetch(`${server.url}${p}`)).arrayBuffer();
    const before = labelValues(await (await fetch(`${server.url}/metrics`)).text());
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const junk = `${(i + j).toString(36)}${Math.random().toString(36).slice(2)}`;
          await (await fetch(`${server.url}${(i + j) % 2 ? "/v1/" : "/api/v1/"}${junk}`)).arrayBuffer();
        }),
      );
    }
    const after = labelValues(await (await fetch(`${server.url}/metrics`)).text());
    expect([...after].sort()).toEqual([...before].sort());
  });

  it("refuses a chunked 50 MB login body as it streams: 413 JSON, connection closed, RSS flat", { timeout: 120_000 }, async () => {
    const pid = server.child.pid!;
    const base = rssKiB(pid);
    let peak = base;
    const { response, sent } = await rawPost(server.url, "/api/v1/auth/login", 50 * 1024 * 1024, { onChunk: () => (peak = Math.max(peak, rssKiB(pid))) });
    peak = Math.max(peak, rssKiB(pid));
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/connection: close/i);
    expect(response).toContain('"code":"payload_too_large"');
    // The server stopped reading long before 50 MB went out.
    expect(sent).toBeLessThan(20 * 1024 * 1024);
    console.log(`login 50 MB chunked: sent ${(sent / 1048576).toFixed(1)} MiB before close, RSS ${base} -> peak ${peak} KiB`);
    expect(peak - base).toBeLessThan(8 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("refuses a declared 600 MB body before reading it, on the operator API and on agent routes", { timeout: 60_000 }, async () => {
    for (const path of ["/api/v1/auth/login", "/v1/agent/report", "/v1/update/"]) {
      const { response } = await rawPost(server.url, path, 256 * 1024, { contentLength: 600 * 1024 * 1024 });
      expect(response, path).toMatch(/^HTTP\/1\.1 413 /);
      expect(response, path).toContain('"code":"payload_too_large"');
    }
  });

  it("refuses a chunked agent body past 64 KiB", { timeout: 60_000 }, async () => {
    const { response, sent } = await rawPost(server.url, "/v1/agent/report", 20 * 1024 * 1024);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(10 * 1024 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

function openIdle(url: string, count: number, localAddress?: string): Promise<Array<{ socket: net.Socket; closed: boolean }>> {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ socket: net.Socket; closed: boolean }>((resolve) => {
          const socket = net.connect({ port: Number(port), host: hostname, localAddress });
          const entry = { socket, closed: false };
          socket.on("close", () => (entry.closed = true));
          socket.on("error", () => {});
          socket.on("connect", () => resolve(entry));
        }),
    ),
  );
}

describe("connection caps, with real sockets against a server process", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnOperatorServer({ FLOTILLA_DATA_DIR: "memory://", FLOTILLA_ENROLLMENT_TOKEN: TOKEN, FLOTILLA_MAX_CONNECTIONS: "60", FLOTILLA_MAX_CONNECTIONS_PER_ADDRESS: "20" });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("closes idle connections past the per-address cap, logs it, and /healthz still answers", { timeout: 60_000 }, async () => {
    const held = await openIdle(server.url, 20);
    const excess = await openIdle(server.url, 60);
    // /healthz from the same address, while the flood is held.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // Other requests on an over-cap connection are refused.
    const refusedPath = await fetch(`${server.url}/v1/graph`).then((r) => r.status, () => 0);
    expect([0, 503]).toContain(refusedPath);
    await expect.poll(() => excess.filter((e) => e.closed).length, { timeout: 10_000 }).toBe(60);
    expect(held.filter((e) => e.closed).length).toBe(0);
    expect(server.output()).toContain("connection cap reached");
    for (const e of [...held, ...excess]) e.socket.destroy();
  });

  it("caps the total across addresses and keeps /healthz answering from another address", { timeout: 60_000 }, async () => {
    // 127.0.0.0/8 is all loopback on Linux: three "clients" under their own cap of 20 bring the
    // total near 60 (the test client's keep-alive connections count too).
    const flood = [...(await openIdle(server.url, 19, "127.0.0.2")), ...(await openIdle(server.url, 18, "127.0.0.3")), ...(await openIdle(server.url, 18, "127.0.0.4"))];
    const excess = await openIdle(server.url, 19, "127.0.0.5");
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // At most 5 of them fit under the total; the rest are closed although their address is under its cap.
    await expect.poll(() => excess.filter((e) => e.closed).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(14);
    expect(flood.filter((e) => e.closed).length).toBe(0);
    for (const e of [...flood, ...excess]) e.socket.destroy();
  });
});
