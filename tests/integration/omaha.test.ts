import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { getHost, hostHistory } from "@/db/queries/hosts";
import { setPin } from "@/db/queries/pins";
import { setChannelPaused } from "@/db/queries/releases";
import { invalidatePolicy } from "@/server/policy-cache";
import { PAYLOAD_HASHES, seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const MACHINE = "592cfdb69c7f4a29a6b361b60cedd954";
const APP = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";

/** An update_engine request, shaped like the real one in protocols.md. */
function omaha(opts: { version: string; bootId?: string; check?: boolean; events?: string; machine?: string; track?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="${opts.version}_x86_64"></os>
    <app appid="${APP}" version="${opts.version}" track="${opts.track ?? "stable"}" bootid="${opts.bootId ?? "{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}"}" oem="qemu" oemversion="" alephversion="3975.2.2" machineid="${opts.machine ?? MACHINE}" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >
        ${opts.check === false ? "" : '<ping active="1"></ping>\n        <updatecheck></updatecheck>'}
        ${opts.events ?? ""}
    </app>
</request>`;
}

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="flotilla"><daystart elapsed_seconds="0"></daystart>`;
// Each app's id is echoed exactly as sent, braces and case (go-omaha omaha/client/client.go:359 looks it up byte for byte).
const NOUPDATE = `${HEAD}<app appid="${APP}" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"></updatecheck><event status="ok"></event></app></response>\n`;
const OFFER = `${HEAD}<app appid="${APP}" status="ok"><ping status="ok"></ping><updatecheck status="ok"><urls><url codebase="https://update.release.example/amd64-usr/4081.2.0/"></url></urls><manifest version="4081.2.0"><packages><package name="flatcar_production_update.gz" hash="${PAYLOAD_HASHES.sha1}" size="364314900" required="true"></package></packages><actions><action event="postinstall" sha256="${PAYLOAD_HASHES.sha256}" DisablePayloadBackoff="true"></action></actions></manifest></updatecheck><event status="ok"></event></app></response>\n`;
const EVENT_ACK = `${HEAD}<app appid="${APP}" status="ok"><event status="ok"></event></app></response>\n`;

describe.each(testDatabases())("Omaha (Flatcar update_engine) on $name", (target) => {
  const t = useTestServer(target, { seed: async (db) => {
    await seedFlatcarStable(db);
  } });

  async function post(body: string, path = "/v1/update/") {
    const res = await fetch(`${t.server.url}${path}`, { method: "POST", headers: { "content-type": "text/xml" }, body });
    return { status: res.status, text: await res.text() };
  }

  it("drives a host through the full update lifecycle with the exact responses update_engine parses", async () => {
    // 1. Check-in on the old version (3/2 with no previous version): the target is offered.
    expect(await post(omaha({ version: "3975.2.2", events: '<event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event>' }))).toEqual({ status: 200, text: OFFER });
    expect(await getHost(t.database.db, MACHINE)).toMatchObject({ protocol: "omaha", osFamily: "flatcar", osVersion: "3975.2.2", channelId: "stable", updateState: "checking", offeredVersion: "4081.2.0", holdReason: null, groupId: "stable", platform: "qemu", firstVersion: "3975.2.2", arch: "amd64", agentVersion: "update_engine-0.4.10" });

    // 2–4. Event-only requests while downloading and installing.
    const steps = [
      ['<event eventtype="13" eventresult="1"></event>', "downloading"],
      ['<event eventtype="14" eventresult="1"></event>', "downloaded"],
      ['<event eventtype="3" eventresult="1"></event>', "staged"],
    ] as const;
    for (const [event, state] of steps) {
      expect(await post(omaha({ version: "3975.2.2", check: false, events: event }))).toEqual({ status: 200, text: EVENT_ACK });
      expect((await getHost(t.database.db, MACHINE))?.updateState).toBe(state);
    }
    // The decision of the last check is kept across event-only requests.
    expect((await getHost(t.database.db, MACHINE))?.offeredVersion).toBe("4081.2.0");

    // 5. Reboot: new boot id, new version, 3/2 naming the previous version; nothing more to offer.
    const after = await post(omaha({ version: "4081.2.0", bootId: "{11111111-2222-3333-4444-555555555555}", events: '<event eventtype="3" eventresult="2" previousversion="3975.2.2"></event>' }));
    expect(after).toEqual({ status: 200, text: NOUPDATE });
    expect(await getHost(t.database.db, MACHINE)).toMatchObject({ osVersion: "4081.2.0", previousVersion: "3975.2.2", updateState: "idle", bootId: "{11111111-2222-3333-4444-555555555555}", holdReason: "on the target 4081.2.0", offeredVersion: null });

    const history = (await hostHistory(t.database.db, MACHINE, { limit: 10 })).items.reverse();
    expect(history.map((h) => [h.kind, h.updateState, h.osVersion])).toEqual([
      ["event", "checking", "3975.2.2"],
      ["event", "downloading", "3975.2.2"],
      ["event", "downloaded", "3975.2.2"],
      ["event", "staged", "3975.2.2"],
      ["event", "idle", "4081.2.0"],
    ]);
    expect(history[4]!.detail).toMatchObject({ events: [{ type: 3, result: 2, previousVersion: "3975.2.2", name: "running after update from 3975.2.2" }] });
  });

  it("shows a GRUB fallback (3/0, code 44) as rolled back, with flags decoded", async () => {
    const machine = "a".repeat(32);
    await post(omaha({ machine, version: "3975.2.2", events: `<event eventtype="3" eventresult="0" errorcode="${(1 << 28) + 44}"></event>` }));
    expect(await getHost(t.database.db, machine)).toMatchObject({ updateState: "rolled_back", errorCode: "44", errorMessage: "RollbackError [nonOfficialServer]" });
    await post(omaha({ machine, version: "3975.2.2", check: false, events: '<event eventtype="3" eventresult="0" errorcode="268435466"></event>' }));
    expect(await getHost(t.database.db, machine)).toMatchObject({ updateState: "error", errorCode: "10", errorMessage: "PayloadHashMismatchError [nonOfficialServer]" });
  });

  it("a host pin offers the pinned version instead of the target, and holds once there", async () => {
    const machine = "e".repeat(32);
    await post(omaha({ machine, version: "3975.2.2", events: '<event eventtype="3" eventresult="2"></event>' }));
    await setPin(t.database.db, SYSTEM_ACTOR, { scope: "host", targetId: machine, version: "3975.2.2", reason: "vendor driver", owner: "ops@example.com", expiresAt: null });
    invalidatePolicy();
    expect((await post(omaha({ machine, version: "3975.2.2", events: '<event eventtype="3" eventresult="2"></event>' }))).text).toBe(NOUPDATE);
    expect(await getHost(t.database.db, machine)).toMatchObject({ holdReason: "host pinned to 3975.2.2 by ops@example.com: vendor driver" });
  });

  it("a paused channel answers noupdate and records why", async () => {
    const machine = "b".repeat(32);
    await setChannelPaused(t.database.db, SYSTEM_ACTOR, "stable", true, "kernel regression");
    invalidatePolicy();
    try {
      expect(await post(omaha({ machine, version: "3975.2.2", events: '<event eventtype="3" eventresult="2"></event>' }))).toEqual({ status: 200, text: NOUPDATE });
      expect(await getHost(t.database.db, machine)).toMatchObject({ updateState: "idle", holdReason: "channel stable paused: kernel regression" });
    } finally {
      await setChannelPaused(t.database.db, SYSTEM_ACTOR, "stable", false, "fixed");
      invalidatePolicy();
    }
  });

  it("answers at /v1/update without the slash too; unknown tracks get noupdate with the reason", async () => {
    const machine = "c".repeat(32);
    expect((await post(omaha({ machine, version: "3975.2.2", track: "beta", events: '<event eventtype="3" eventresult="2"></event>' }), "/v1/update")).text).toBe(NOUPDATE);
    expect(await getHost(t.database.db, machine)).toMatchObject({ groupId: "beta", holdReason: "the host's group has no channel" });
  });

  // go-omaha's client (flatcar/go-omaha omaha/client/client.go:359-365) finds its answer with
  // Response.GetApp(appID), which compares the id byte for byte (omaha/protocol.go:197-199); a
  // missing app is ExitCodeOmahaResponseInvalid, so every check fails unless the id is echoed.
  it("echoes each app's appid exactly as sent, braces and case", async () => {
    const machine = "f1".repeat(16);
    for (const sent of ["{E96281A6-D1AF-4BDE-9A0A-97B76E56DC57}", "e96281a6-d1af-4bde-9a0a-97b76e56dc57", "E96281A6-d1af-4bde-9a0a-97b76e56dc57"]) {
      const res = await post(omaha({ machine, version: "3975.2.2", events: '<event eventtype="3" eventresult="2"></event>' }).replace(APP, sent));
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<app appid="${sent}" status="ok"><ping status="ok"></ping><updatecheck status="ok">`);
    }
  });

  // go-omaha's own server answers every app of a request in order, an unknown one with
  // status="error-unknownApplication", and the HTTP status is 200 when any app is ok
  // (flatcar/go-omaha omaha/handler.go:46-58 and 80-89).
  it("answers every app of a multi-app request, an unknown one with error-unknownApplication", async () => {
    const machine = "f2".repeat(16);
    const other = "{00000000-0000-0000-0000-0000000000aa}";
    const base = omaha({ machine, version: "3975.2.2", events: '<event eventtype="3" eventresult="2"></event>' });
    const flatcarApp = base.slice(base.indexOf("<app "), base.indexOf("</app>") + "</app>".length);
    const body = base.replace(flatcarApp, `<app appid="${other}" version="1.0"><ping active="1"></ping><updatecheck></updatecheck></app>${flatcarApp}`);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      `${HEAD}<app appid="${other}" status="error-unknownApplication"></app>` +
        OFFER.slice(HEAD.length),
    );
    expect(await getHost(t.database.db, machine)).toMatchObject({ offeredVersion: "4081.2.0" });
  });

  // go-omaha's client sends only <os arch> (omaha/protocol.go:50-57 NewRequest, omaha/system.go:23-38
  // LocalArch), no board: an arm64 host must get the arm64 payload, never amd64's.
  it("honours <os arch>: an arm64 host without a board is offered only the arm64 payload", async () => {
    const machine = "f3".repeat(16);
    const body = omaha({ machine, version: "3975.2.2" }).replace(' board="amd64-usr"', "").replace(/ sp="[^"]*"/, "").replace("<os ", '<os arch="arm64" ');
    const res = await post(body);
    expect(res.text).toContain('<url codebase="https://update.release.example/arm64-usr/4081.2.0/">');
    expect(await getHost(t.database.db, machine)).toMatchObject({ arch: "arm64", offeredVersion: "4081.2.0" });
  });

  it("an unknown or contradictory architecture gets noupdate, with the reason on the host", async () => {
    for (const [machine, edit, reason] of [
      ["f4".repeat(16), (b: string) => b.replace("<os ", '<os arch="x86" ').replace(' board="amd64-usr"', "").replace(/ sp="[^"]*"/, ""), /unknown architecture: os@arch x86/],
      ["f5".repeat(16), (b: string) => b.replace("<os ", '<os arch="arm64" '), /conflicting architectures: board amd64-usr, os@sp 3975.2.2_x86_64, os@arch arm64/],
    ] as const) {
      const res = await post(edit(omaha({ machine, version: "3975.2.2" })));
      expect(res.status).toBe(200);
      expect(res.text).toContain('<updatecheck status="noupdate"></updatecheck>');
      expect(await getHost(t.database.db, machine)).toMatchObject({ arch: "unknown", offeredVersion: null, holdReason: expect.stringMatching(reason) });
    }
  });

  it.each([
    ["malformed XML", "<request", 400, /malformed|root/],
    ["a DOCTYPE", `<!DOCTYPE r [<!ENTITY x "y">]>${omaha({ version: "1.0.0", machine: "d".repeat(32) })}`, 400, /DOCTYPE/],
    ["a missing machineid", omaha({ version: "1.0.0" }).replace(/machineid="[^"]+"/, ""), 400, /machineid/],
    ["a non-version version", omaha({ version: "1.0.0", machine: "d".repeat(32) }).replace('version="1.0.0" track', 'version="one two" track'), 400, /version/],
    ["an unknown appid", omaha({ version: "1.0.0", machine: "d".repeat(32) }).replace(APP, "{00000000-0000-0000-0000-000000000001}"), 400, /status="error-unknownApplication"/],
    ["an oversized body", omaha({ version: "1.0.0", machine: "d".repeat(32) }) + " ".repeat(70_000), 413, /larger than/],
  ])("refuses %s with a 4xx and stores nothing", async (_what, body, status, text) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.text).toMatch(text);
    expect(await getHost(t.database.db, "d".repeat(32))).toBeNull();
  });
});
