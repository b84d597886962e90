import { describe, expect, it } from "vitest";
import { decodeErrorCode } from "./error-codes";
import { describeEvent, omahaOutcome } from "./lifecycle";
import { parseOmahaRequest, readXml } from "./request";
import { buildOmahaResponse } from "./response";

// The real request from protocols.md (a Flatcar node, 2019).
const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
    <os version="Chateau" platform="CoreOS" sp="2191.0.0_x86_64"></os>
    <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="2191.0.0" track="alpha" bootid="{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}" oem="" oemversion="" alephversion="2191.0.0" machineid="592cfdb69c7f4a29a6b361b60cedd954" lang="en-US" board="amd64-usr" hardware_class="" delta_okay="false" >
        <ping active="1"></ping>
        <updatecheck></updatecheck>
        <event eventtype="3" eventresult="2" previousversion="0.0.0.0"></event>
    </app>
</request>`;

describe("Omaha request parsing", () => {
  it("reads the real update_engine sample", () => {
    const r = parseOmahaRequest(SAMPLE);
    expect(r).toMatchObject({ protocol: "3.0", updaterVersion: "update_engine-0.4.10", installSource: "scheduler", osSp: "2191.0.0_x86_64" });
    expect(r.apps).toHaveLength(1);
    expect(r.apps[0]).toEqual({
      appId: "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}",
      index: 0,
      version: "2191.0.0",
      track: "alpha",
      machineId: "592cfdb69c7f4a29a6b361b60cedd954",
      bootId: "{90b0e235-2b50-4a0e-9619-bc014ca2fcfd}",
      oem: null,
      oemVersion: null,
      alephVersion: "2191.0.0",
      machineAlias: null,
      board: "amd64-usr",
      arch: "amd64",
      archProblem: null,
      ping: true,
      updateCheck: true,
      events: [{ type: 3, result: 2, previousVersion: null, errorCode: null }],
    });
  });

  it("accepts the app id in any case without braces and defaults the track", () => {
    const xml = SAMPLE.replace("{e96281a6-d1af-4bde-9a0a-97b76e56dc57}", "E96281A6-D1AF-4BDE-9A0A-97B76E56DC57").replace(' track="alpha"', "");
    // Recognized in any form, kept exactly as sent: it is echoed back byte for byte.
    expect(parseOmahaRequest(xml).apps[0]).toMatchObject({ appId: xml.match(/appid="([^"]+)"/)![1], track: "stable" });
  });

  it("decodes XML's predefined entities and character references in attributes", () => {
    const xml = SAMPLE.replace('oem=""', 'oem="a&amp;b&#x41;&#66;&lt;&quot;"');
    expect(parseOmahaRequest(xml).apps[0]?.oem).toBe('a&bAB<"');
  });

  it("ignores comments, processing instructions and self-closing forms", () => {
    const xml = SAMPLE.replace("<ping active=\"1\"></ping>", "<!-- ping --><ping active=\"1\"/>").replace("<updatecheck></updatecheck>", "<updatecheck />");
    expect(parseOmahaRequest(xml).apps[0]).toMatchObject({ ping: true, updateCheck: true });
  });

  it("takes the arch from os@sp when board is missing", () => {
    const xml = SAMPLE.replace(' board="amd64-usr"', "").replace("2191.0.0_x86_64", "2191.0.0_aarch64");
    expect(parseOmahaRequest(xml).apps[0]?.arch).toBe("arm64");
  });

  // update_engine sends board (FLATCAR_RELEASE_BOARD) and os@sp = "<version>_<uname -m>"
  // (src/update_engine/omaha_request_params.cc:48-49) but no os@arch; go-omaha's client sends
  // os@arch from LocalArch() (omaha/system.go:23-38: "x64" for amd64, else Go's GOARCH, e.g.
  // "arm64") and neither board nor sp. Every source counts; they must agree.
  it.each([
    ["os@arch x64 alone (go-omaha on amd64)", { board: null, sp: null, arch: "x64" }, "amd64", null],
    ["os@arch arm64 alone (go-omaha on arm64)", { board: null, sp: null, arch: "arm64" }, "arm64", null],
    ["board and sp (update_engine)", { board: "arm64-usr", sp: "2191.0.0_aarch64", arch: null }, "arm64", null],
    ["all three agreeing", { board: "amd64-usr", sp: "2191.0.0_x86_64", arch: "x64" }, "amd64", null],
    ["board arm64 but os@arch x64", { board: "arm64-usr", sp: null, arch: "x64" }, "unknown", /conflicting architectures: board arm64-usr, os@arch x64/],
    ["board amd64 but sp aarch64", { board: "amd64-usr", sp: "2191.0.0_aarch64", arch: null }, "unknown", /conflicting architectures/],
    ["os@arch x86 (32-bit)", { board: null, sp: null, arch: "x86" }, "unknown", /unknown architecture: os@arch x86/],
    ["an unknown board", { board: "riscv-usr", sp: null, arch: null }, "unknown", /unknown architecture: board riscv-usr/],
    ["nothing at all", { board: null, sp: null, arch: null }, "unknown", /no architecture in the request/],
  ])("architecture from %s", (_what, src, arch, problem) => {
    let xml = SAMPLE.replace(' board="amd64-usr"', src.board ? ` board="${src.board}"` : "");
    xml = xml.replace(' sp="2191.0.0_x86_64"', src.sp ? ` sp="${src.sp}"` : "");
    if (src.arch) xml = xml.replace("<os ", `<os arch="${src.arch}" `);
    const app = parseOmahaRequest(xml).apps[0]!;
    expect(app.arch).toBe(arch);
    if (problem) expect(app.archProblem).toMatch(problem);
    else expect(app.archProblem).toBeNull();
  });

  it.each([
    ["not XML", "hello", /root element|malformed/],
    ["truncated XML", SAMPLE.slice(0, 300), /malformed|root/],
    ["XML cut after a complete <app>", SAMPLE.slice(0, 700), /never closed/],
    ["mismatched tags", '<request protocol="3.0"><app></request>', /unexpected <\/request>/],
    ["a stray <", `${SAMPLE.slice(0, -12)}< </request>`, /bad markup/],
    ["two roots", `${SAMPLE}<request></request>`, /one root/],
    ["an unknown entity", SAMPLE.replace('lang="en-US"', 'lang="&xxe;"'), /unknown entity &xxe;/],
    ["a bare ampersand", SAMPLE.replace('lang="en-US"', 'lang="a & b"'), /bare &/],
    ["CDATA", SAMPLE.replace("<ping", "<![CDATA[x]]><ping"), /bad markup/],
    ["deep nesting", `<request protocol="3.0">${"<a>".repeat(40)}${"</a>".repeat(40)}</request>`, /nested too deeply/],
    ["a DOCTYPE", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>${SAMPLE.slice(SAMPLE.indexOf("<request"))}`, /DOCTYPE/],
    ["an entity bomb", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><request protocol="3.0">&lol2;</request>`, /DOCTYPE/],
    ["a wrong protocol", SAMPLE.replace('protocol="3.0"', 'protocol="2.0"'), /protocol/],
    ["no app", '<request protocol="3.0"></request>', /no <app>/],
    ["a missing machineid", SAMPLE.replace(' machineid="592cfdb69c7f4a29a6b361b60cedd954"', ""), /machineid/],
    ["a bad version", SAMPLE.replace('version="2191.0.0" track', 'version="" track'), /version/],
    ["a non-numeric event", SAMPLE.replace('eventtype="3"', 'eventtype="three"'), /eventtype/],
    ["an oversized body", SAMPLE + " ".repeat(70_000), /larger than/],
  ])("refuses %s with a reason", (_what, xml, reason) => {
    expect(() => parseOmahaRequest(xml)).toThrow(reason);
  });

  it("keeps another product's app apart, with its id as sent, for an error-unknownApplication answer", () => {
    const other = '<app appid="{DEADBEEF-0000-0000-0000-000000000000}" version="1.0"><updatecheck></updatecheck></app>';
    const r = parseOmahaRequest(SAMPLE.replace("<app ", `${other}<app `));
    expect(r.unknownApps).toEqual([{ appId: "{DEADBEEF-0000-0000-0000-000000000000}", index: 0 }]);
    expect(r.apps).toMatchObject([{ appId: "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}", index: 1 }]);
    expect(parseOmahaRequest(SAMPLE.replace("e96281a6-d1af-4bde-9a0a-97b76e56dc57", "deadbeef-0000-0000-0000-000000000000"))).toMatchObject({ apps: [], unknownApps: [{ index: 0 }] });
  });
});

describe("Omaha error codes", () => {
  it("masks flag bits before decoding", () => {
    expect(decodeErrorCode(268435490)).toEqual({ code: 34, name: "OmahaResponseInvalid", flags: ["nonOfficialServer"] });
    expect(decodeErrorCode(44)).toEqual({ code: 44, name: "RollbackError", flags: [] });
    expect(decodeErrorCode((1 << 31) | (1 << 30) | 10)).toEqual({ code: 10, name: "PayloadHashMismatchError", flags: ["devMode", "resumed"] });
    expect(decodeErrorCode(2404).name).toBe("OmahaRequestHTTPResponse404");
  });

  // Flatcar's update_engine names its codes in src/update_engine/action_processor.h:26-75
  // (enum ActionExitCode; utils.cc:608-716 CodeToString prints them), not Chromium OS's
  // ErrorCode enum (there 42/43 are a channel-change cancel and a firmware error).
  it.each([
    [6, "SetBootableFlagError"],
    [37, "OmahaErrorInHTTPResponse"],
    [41, "PostinstallPowerwashError"],
    [42, "NewPCRPolicyVerificationError"],
    [43, "NewPCRPolicyHTTPError"],
    [44, "RollbackError"],
    [100, "DownloadIncomplete"],
    [2000, "OmahaRequestHTTPResponseBase"],
    [45, "Error45"],
    [47, "Error47"],
  ])("names code %i as Flatcar's update_engine does: %s", (code, name) => {
    expect(decodeErrorCode(code).name).toBe(name);
  });
});

describe("Omaha lifecycle", () => {
  const app = (events: Array<[number, number, string?, number?]>) => ({
    ...parseOmahaRequest(SAMPLE).apps[0]!,
    events: events.map(([type, result, previousVersion, errorCode]) => ({ type, result, previousVersion: previousVersion ?? null, errorCode: errorCode ?? null })),
  });

  it.each([
    [[[13, 1]], "downloading"],
    [[[14, 1]], "downloaded"],
    [[[3, 1]], "staged"],
    [[[3, 2, "2135.0.0"]], "idle"],
    [[[3, 9]], "idle"],
    [[[3, 0, undefined, 268435466]], "error"],
    [[[3, 0, undefined, 44]], "rolled_back"],
    [[[14, 1], [3, 1]], "staged"],
  ] as const)("events %j leave the host %s", (events, state) => {
    expect(omahaOutcome(app(events.map((e) => [...e])), false).state).toBe(state);
  });

  it("records the decoded error and the previous version", () => {
    expect(omahaOutcome(app([[3, 0, undefined, 268435490]]), false)).toMatchObject({ errorCode: "34", errorMessage: "OmahaResponseInvalid [nonOfficialServer]" });
    expect(omahaOutcome(app([[3, 2, "2135.0.0"]]), false)).toMatchObject({ previousVersion: "2135.0.0", errorCode: null });
  });

  it("a check answered with an offer means the host is about to download", () => {
    expect(omahaOutcome(app([]), true).state).toBe("checking");
    expect(omahaOutcome(app([[3, 2]]), true).state).toBe("checking");
    expect(omahaOutcome(app([]), false).state).toBe("idle");
  });

  it("names events for the history", () => {
    expect(describeEvent({ type: 3, result: 0, previousVersion: null, errorCode: 44 })).toBe("rollback detected (GRUB fell back)");
    expect(describeEvent({ type: 13, result: 1, previousVersion: null, errorCode: null })).toBe("download started");
  });
});

describe("Omaha responses", () => {
  it("no update: exactly the shape update_engine parses", () => {
    expect(buildOmahaResponse([{ appId: "e96281a6-d1af-4bde-9a0a-97b76e56dc57", status: "ok", ping: true, updateCheck: true, eventCount: 1, offer: null }])).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="flotilla"><daystart elapsed_seconds="0"></daystart><app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" status="ok"><ping status="ok"></ping><updatecheck status="noupdate"></updatecheck><event status="ok"></event></app></response>\n`,
    );
  });

  it("update: urls, manifest, package and postinstall action in order", () => {
    const xml = buildOmahaResponse([
      {
        appId: "e96281a6-d1af-4bde-9a0a-97b76e56dc57",
        status: "ok",
        ping: false,
        updateCheck: true,
        eventCount: 0,
        offer: { version: "3374.2.5", codebase: "https://update.example/amd64-usr/3374.2.5/", packageName: "flatcar_production_update.gz", sizeBytes: 364314900, sha1Base64: "c2hhMQ==", sha256Base64: "c2hhMjU2" },
      },
    ]);
    expect(xml).toContain(
      `<updatecheck status="ok"><urls><url codebase="https://update.example/amd64-usr/3374.2.5/"></url></urls><manifest version="3374.2.5"><packages><package name="flatcar_production_update.gz" hash="c2hhMQ==" size="364314900" required="true"></package></packages><actions><action event="postinstall" sha256="c2hhMjU2" DisablePayloadBackoff="true"></action></actions></manifest></updatecheck>`,
    );
    expect(xml).not.toContain("<ping");
  });

  // What Flatcar's update_engine requires (flatcar/update_engine 7382641, src/update_engine/
  // omaha_request_action.cc): xmlParseMemory must accept the body (:648-655, else error 31);
  // the FIRST node of /response/app/updatecheck in document order is read (:348-360); its
  // status must be "ok" or "noupdate" (:400-426, else 34); then manifest (:428-454), every
  // urls/url with a non-empty codebase (:456-488), the first package with a non-empty name and a
  // size read by sscanf("%" PRIi64) > 0 (:490-547; %i reads a leading 0 as octal, so plain
  // decimal), and an action with event="postinstall" and a non-empty sha256 (:549-608).
  it("gives update_engine's parser everything it requires, in a form it reads as meant", () => {
    const unknown = { appId: "{00000000-0000-0000-0000-0000000000aa}", status: "error-unknownApplication" as const, ping: false, updateCheck: false, eventCount: 0, offer: null };
    const flatcar = {
      appId: "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}",
      status: "ok" as const,
      ping: true,
      updateCheck: true,
      eventCount: 1,
      offer: { version: "4081.2.0", codebase: "https://update.example/amd64-usr/4081.2.0/", packageName: "flatcar_production_update.gz", sizeBytes: 8_000_000_000, sha1Base64: "c2hhMQ==", sha256Base64: "c2hhMjU2" },
    };
    const xml = buildOmahaResponse([unknown, flatcar]);
    const root = readXml(xml);
    expect(root.name).toBe("response");
    const checks = root.children.filter((a) => a.name === "app").flatMap((a) => a.children.filter((c) => c.name === "updatecheck"));
    // Another app's answer carries no updatecheck, so the first one is Flatcar's.
    expect(checks).toHaveLength(1);
    const check = checks[0]!;
    expect(check.attrs.status).toBe("ok");
    const manifest = check.children.find((c) => c.name === "manifest")!;
    const urls = check.children.find((c) => c.name === "urls")!.children.filter((c) => c.name === "url");
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u.attrs.codebase).toMatch(/^https?:\/\/\S+\/$/);
    const pkg = manifest.children.find((c) => c.name === "packages")!.children.find((c) => c.name === "package")!;
    expect(pkg.attrs.name).toBe("flatcar_production_update.gz");
    // Over 2^32 and decimal without a leading zero: what sscanf %PRIi64 reads as the size.
    expect(pkg.attrs.size).toBe("8000000000");
    const postinstall = manifest.children.find((c) => c.name === "actions")!.children.find((c) => c.attrs.event === "postinstall")!;
    expect(postinstall.attrs.sha256).toBe("c2hhMjU2");
    // Optional pairs read by name, exactly spelled (:32-46).
    expect(postinstall.attrs.DisablePayloadBackoff).toBe("true");
  });
});
