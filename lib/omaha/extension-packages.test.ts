import { describe, expect, it } from "vitest";
import { NewReleaseSchema } from "../operator/release-schemas";
import { DEMO_EXTENSIONS, demoFlatcarRelease } from "../simulator/demo-catalog";
import { FLATCAR_APP_ID, parseOmahaResponse } from "../simulator/omaha-host";
import { buildOmahaResponse } from "./response";

const sha1 = Buffer.alloc(20, 1).toString("base64");
const sha256 = Buffer.alloc(32, 2).toString("base64");

describe("Flatcar extension packages in the Omaha manifest", () => {
  const offer = {
    version: "4152.2.0",
    codebase: "https://update.example/amd64-usr/4152.2.0/",
    packageName: "flatcar_production_update.gz",
    sizeBytes: 364314900,
    sha1Base64: sha1,
    sha256Base64: sha256,
    extensions: [{ name: "oem-azure.gz", sizeBytes: 4096, sha1Base64: sha1, sha256Base64: sha256 }],
  };
  // Answered under the appid exactly as the simulated update_engine sends it (braces included).
  const xml = buildOmahaResponse([{ appId: FLATCAR_APP_ID, status: "ok", ping: true, updateCheck: true, eventCount: 0, offer }]);

  it("lists each after the required main package, as Nebraska's addPackageToManifest does (hash, hash_sha256, size)", () => {
    expect(xml).toContain(
      `<package name="flatcar_production_update.gz" hash="${sha1}" size="364314900" required="true"></package><package name="oem-azure.gz" hash="${sha1}" hash_sha256="${Buffer.alloc(32, 2).toString("hex")}" size="4096" required="false"></package></packages>`,
    );
  });

  it("leaves what update_engine installs unchanged: the simulated host still takes the first package, and sees the extensions", () => {
    expect(parseOmahaResponse(xml, true)).toEqual({ kind: "update", version: "4152.2.0", codebase: offer.codebase, extensions: ["oem-azure.gz"] });
    expect(parseOmahaResponse(xml.replace(/ hash_sha256="[^"]*"/, ""), true).kind).toBe("invalid");
  });

  it("validates extension payloads on the release: Flatcar only, unique names, served from the payload's base URL", () => {
    const base = { osFamily: "flatcar", channelId: "stable", version: "4152.2.0", arch: "amd64", payloadUrl: offer.codebase, payloadName: offer.packageName, sizeBytes: 1, sha1Base64: sha1, sha256Base64: sha256 };
    const ext = { name: "oem-azure.gz", sizeBytes: 4096, sha1Base64: sha1, sha256Base64: sha256 };
    expect(NewReleaseSchema.safeParse({ ...base, extensionPayloads: [ext] }).success).toBe(true);
    expect(NewReleaseSchema.safeParse({ ...base, extensionPayloads: [{ ...ext, url: `${offer.codebase}oem-azure.gz` }] }).success).toBe(true);
    expect(NewReleaseSchema.safeParse({ ...base, extensionPayloads: [{ ...ext, url: "https://elsewhere.example/oem-azure.gz" }] }).success).toBe(false);
    expect(NewReleaseSchema.safeParse({ ...base, extensionPayloads: [ext, ext] }).success).toBe(false);
    expect(NewReleaseSchema.safeParse({ ...base, extensionPayloads: [{ ...ext, sha256Base64: sha1 }] }).success).toBe(false);
  });

  it("flotilla simulate --os flatcar: the demo catalog carries extension payloads and the simulated host accepts the offer with them", () => {
    const r = demoFlatcarRelease("4152.2.0", "arm64");
    expect(NewReleaseSchema.safeParse(r).success).toBe(true);
    const answer = buildOmahaResponse([
      { appId: FLATCAR_APP_ID, status: "ok", ping: true, updateCheck: true, eventCount: 0, offer: { version: r.version, codebase: r.payloadUrl!, packageName: r.payloadName!, sizeBytes: r.sizeBytes!, sha1Base64: r.sha1Base64!, sha256Base64: r.sha256Base64!, extensions: r.extensionPayloads } },
    ]);
    expect(parseOmahaResponse(answer, true)).toEqual({ kind: "update", version: "4152.2.0", codebase: r.payloadUrl, extensions: [...DEMO_EXTENSIONS] });
  });
});
