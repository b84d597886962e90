import { describe, expect, it } from "vitest";
import { ReportCadence, retryDelayMs } from "./cadence";
import { DueQueue } from "./due-queue";
import { endpointUrl } from "./http-transport";
import { createRng } from "./random";

describe("ReportCadence", () => {
  it("follows the server's nextReportInSeconds by default", () => {
    const c = new ReportCadence();
    expect(c.nextDelayMs(57, false, createRng(1))).toBe(57_000);
    expect(c.nextDelayMs(63, false, createRng(1))).toBe(63_000);
  });

  it("scales the server's answers so their mean becomes --interval, keeping the jitter", () => {
    const c = new ReportCadence(5);
    const rng = createRng(2);
    const delays: number[] = [];
    for (let i = 0; i < 2000; i++) delays.push(c.nextDelayMs(54 + (i % 13), false, rng));
    const tail = delays.slice(1000);
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    expect(mean).toBeGreaterThan(4_800);
    expect(mean).toBeLessThan(5_200);
    expect(Math.max(...tail) - Math.min(...tail)).toBeGreaterThan(800);
  });

  it("spreads first reports over the first interval", () => {
    const c = new ReportCadence(10);
    const rng = createRng(3);
    const firsts = Array.from({ length: 1000 }, () => c.firstDelayMs(rng));
    expect(Math.min(...firsts)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...firsts)).toBeLessThan(10_000);
    expect(firsts.filter((d) => d < 5_000).length).toBeGreaterThan(400);
    expect(new ReportCadence().firstIntervalSeconds).toBe(60);
  });

  it("reports update steps sooner, never later than the periodic report", () => {
    const rng = createRng(4);
    expect(new ReportCadence().nextDelayMs(60, true, rng)).toBeLessThanOrEqual(8_000);
    expect(new ReportCadence(1).nextDelayMs(60, true, rng)).toBeLessThanOrEqual(1_000);
  });
});

describe("retryDelayMs", () => {
  it("backs off exponentially up to the cap and honours Retry-After", () => {
    const rng = createRng(5);
    expect(retryDelayMs(1, rng)).toBeLessThanOrEqual(500);
    expect(retryDelayMs(4, rng)).toBeGreaterThanOrEqual(2_000);
    expect(retryDelayMs(20, rng)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(1, rng, 5)).toBeGreaterThanOrEqual(5_000);
  });
});

describe("DueQueue", () => {
  it("pops entries in due order", () => {
    const q = new DueQueue();
    const rng = createRng(6);
    for (let i = 0; i < 500; i++) q.push(Math.floor(rng() * 1000), i);
    let last = -1;
    for (let i = 0; i < 500; i++) {
      const e = q.pop()!;
      expect(e.dueAt).toBeGreaterThanOrEqual(last);
      last = e.dueAt;
    }
    expect(q.pop()).toBeUndefined();
  });
});

describe("endpointUrl", () => {
  it("keeps a path prefix of the base URL", () => {
    expect(endpointUrl("http://localhost:3000", "/v1/agent/report").href).toBe("http://localhost:3000/v1/agent/report");
    expect(endpointUrl("https://fleet.example/flotilla", "/healthz").href).toBe("https://fleet.example/flotilla/healthz");
  });
});
