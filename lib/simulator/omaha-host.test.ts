import { describe, expect, it } from "vitest";
import { omahaOutcome } from "../omaha/lifecycle";
import { parseOmahaRequest } from "../omaha/request";
import { buildOmahaResponse, type OmahaOffer } from "../omaha/response";
import { buildFleet } from "./fleet";
import { initialOmahaState, omahaAnswered, omahaRequestXml, parseOmahaResponse, type OmahaHostState } from "./omaha-host";
import { createRng, type Rng } from "./random";

const fleet = buildFleet(5, 300, [["flatcar", 1]]);
const host = fleet.find((h) => h.arch === "amd64" && h.initialVersion === "4081.2.0")!;
const arm = fleet.find((h) => h.arch === "arm64")!;
// The simulator sends the id braced, as update_engine does; the server echoes it as sent.
const APP = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";
const fixed =
  (v: number): Rng =>
  () =>
    v;

function offer(version: string): OmahaOffer {
  return { version, codebase: `https://update.example/amd64-usr/${version}/`, packageName: "flatcar_production_update.gz", sizeBytes: 364314900, sha1Base64: "AQEBAQEBAQEBAQEBAQEBAQEBAQE=", sha256Base64: "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=" };
}

/** What the server answers a request, built by Flotilla's own response builder. */
function answer(xml: string, offered: OmahaOffer | null): string {
  const app = parseOmahaRequest(xml).apps[0]!;
  return buildOmahaResponse([{ appId: APP, status: "ok", ping: app.ping, updateCheck: app.updateCheck, eventCount: app.events.length, offer: app.updateCheck ? offered : null }]);
}

/** The server's reading of the host's next request: update state and reported version. */
function serverView(s: OmahaHostState, offered = false) {
  const app = parseOmahaRequest(omahaRequestXml(host, s)).apps[0]!;
  return { state: omahaOutcome(app, offered).state, version: app.version, events: app.events };
}

describe("Omaha host (update_engine)", () => {
  it("sends check-ins the server's parser accepts, with update_engine's identity fields", () => {
    const s = initialOmahaState(arm, fixed(0.3));
    const req = parseOmahaRequest(omahaRequestXml(arm, s));
    expect(req.updaterVersion).toBe("update_engine-0.4.10");
    expect(req.osSp).toBe(`${arm.initialVersion}_aarch64`);
    const app = req.apps[0]!;
    expect(app).toMatchObject({ appId: APP, version: arm.initialVersion, track: "stable", machineId: arm.machineId, board: "arm64-usr", arch: "arm64", alephVersion: arm.alephVersion, machineAlias: arm.hostname, ping: true, updateCheck: true });
    expect(app.bootId).toMatch(/^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/);
    expect(app.events).toEqual([{ type: 3, result: 2, previousVersion: s.previousVersion, errorCode: null }]);
  });

  it("goes check → 13/1 → 14/1 → 3/1 → reboot → check on the new version with 3/2 previousversion", () => {
    const b = { failRate: 0 };
    const rng = createRng(9);
    let s = initialOmahaState(host, rng);
    const firstBoot = s.bootId;
    const states: string[] = [];
    // The check offers 4152.2.0; every later request is event-only until the reboot.
    const r1 = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), offer("4152.2.0")), fixed(0.5), b);
    states.push(serverView(s, true).state);
    s = r1.state;
    expect(s).toMatchObject({ phase: "downloading", next: "download_started", target: "4152.2.0" });
    expect(r1.wait.kind).toBe("step");
    for (const expected of ["downloading", "downloaded", "staged"]) {
      const view = serverView(s);
      expect(view.state).toBe(expected);
      expect(parseOmahaRequest(omahaRequestXml(host, s)).apps[0]).toMatchObject({ ping: false, updateCheck: false, version: "4081.2.0" });
      states.push(view.state);
      s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), rng, b).state;
    }
    expect(s).toMatchObject({ phase: "rebooting", next: "check", version: "4152.2.0", previousVersion: "4081.2.0" });
    expect(s.bootId).not.toBe(firstBoot);
    const after = serverView(s);
    expect(after).toMatchObject({ state: "idle", version: "4152.2.0", events: [{ type: 3, result: 2, previousVersion: "4081.2.0", errorCode: null }] });
    states.push(after.state);
    expect(states).toEqual(["checking", "downloading", "downloaded", "staged", "idle"]);
    const settled = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), fixed(0.5), b);
    expect(settled.state.phase).toBe("idle");
    expect(settled.wait).toEqual({ kind: "periodic" });
  });

  it("reports a download error as 3/0 with a flagged error code, then tries again at the next check", () => {
    let s = omahaAnswered(host, initialOmahaState(host, fixed(0.5)), 200, answer(omahaRequestXml(host, initialOmahaState(host, fixed(0.5))), offer("4152.2.0")), fixed(0.5), { failRate: 1 }).state;
    // failRate 1: half of it is the download, so any draw below 0.5 fails it.
    s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), fixed(0.1), { failRate: 1 }).state;
    expect(s.next).toBe("failed");
    const view = serverView(s);
    expect(view.state).toBe("error");
    expect(view.events[0]!.errorCode! & ~(1 << 28)).toBeLessThan(20);
    expect(view.events[0]!.errorCode! & (1 << 28)).toBe(1 << 28);
    s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), fixed(0.5), { failRate: 1 }).state;
    expect(s).toMatchObject({ phase: "error", next: "check", version: "4081.2.0", target: null });
    const retry = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), offer("4152.2.0")), fixed(0.5), { failRate: 0 });
    expect(retry.state).toMatchObject({ phase: "downloading", target: "4152.2.0" });
  });

  it("after a GRUB fallback stays on the old version, sending 3/0 errorcode=44 until another version is offered; an offer of the failed version again is a problem", () => {
    // failRate 1 with draws of 0.7: the download (chance 0.5) passes, the boot (chance 1) fails.
    const b = { failRate: 1 };
    let s = initialOmahaState(host, fixed(0.5));
    s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), offer("4152.2.0")), fixed(0.7), b).state;
    for (let i = 0; i < 3; i++) s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), fixed(0.7), b).state;
    expect(s).toMatchObject({ phase: "rebooting", version: "4081.2.0", fellBackFrom: "4152.2.0" });
    for (let i = 0; i < 3; i++) {
      const view = serverView(s);
      expect(view).toMatchObject({ state: "rolled_back", version: "4081.2.0", events: [{ type: 3, result: 0, errorCode: 44 }] });
      s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), null), fixed(0.7), b).state;
      expect(s).toMatchObject({ phase: "rolled_back", next: "check", failed: ["4152.2.0"] });
    }
    // update_engine would install the failed version again (it checks no versions): the
    // simulator takes it too, and says the server should not have offered it.
    const again = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), offer("4152.2.0")), fixed(0.7), b);
    expect(again.problem).toBe("offered 4152.2.0 again after it failed to boot on this host");
    expect(again.state).toMatchObject({ phase: "downloading", target: "4152.2.0" });
    s = omahaAnswered(host, s, 200, answer(omahaRequestXml(host, s), offer("4152.2.1")), fixed(0.7), b).state;
    expect(s).toMatchObject({ phase: "downloading", target: "4152.2.1", fellBackFrom: null });
  });

  it("an arm64 host offered an amd64 payload reports it and does not install it", () => {
    const s = initialOmahaState(arm, fixed(0.5));
    const step = omahaAnswered(arm, s, 200, answer(omahaRequestXml(arm, s), offer("4152.2.0")), fixed(0.5), { failRate: 0 });
    expect(step.problem).toBe("offered an amd64 payload to an arm64 host");
    expect(step.state).toMatchObject({ phase: "idle", next: "check", target: null });
  });

  it("reads responses like update_engine: anything but ok/noupdate, or an incomplete offer, is invalid", () => {
    const xml = answer(omahaRequestXml(host, initialOmahaState(host, fixed(0.5))), offer("4152.2.0"));
    expect(parseOmahaResponse(xml, true)).toEqual({ kind: "update", version: "4152.2.0", codebase: "https://update.example/amd64-usr/4152.2.0/" });
    // go-omaha's client looks its app up by the exact appid it sent (omaha/client/client.go:359).
    expect(parseOmahaResponse(xml.replace(APP, "e96281a6-d1af-4bde-9a0a-97b76e56dc57"), true)).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/missing from response/) });
    expect(parseOmahaResponse(xml.replace(/ sha256="[^"]*"/, ""), true).kind).toBe("invalid");
    expect(parseOmahaResponse(xml.replace('size="364314900"', 'size="0"'), true).kind).toBe("invalid");
    expect(parseOmahaResponse(xml.replace('updatecheck status="ok"', 'updatecheck status="error-internal"'), true).kind).toBe("invalid");
    const invalid = omahaAnswered(host, initialOmahaState(host, fixed(0.5)), 200, xml.replace(/<urls>.*<\/urls>/, ""), fixed(0.5), { failRate: 0 });
    expect(invalid.problem).toMatch(/codebase/);
    expect(invalid.state).toMatchObject({ phase: "error", next: "failed", errorCode: (1 << 28) + 34 });
  });
});
