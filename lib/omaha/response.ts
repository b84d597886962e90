import { FLATCAR_APP_ID } from "./request";

/** What to offer one host: a release payload, or nothing. */
export interface OmahaOffer {
  version: string;
  /** Base URL the client appends the package name to; must end in "/". */
  codebase: string;
  packageName: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
  /** Extension packages listed after the main payload (OEM / sysext images). */
  extensions?: readonly OmahaExtraPackage[];
}

export interface OmahaExtraPackage {
  name: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
}

export interface OmahaAppAnswer {
  appId: string;
  status: "ok" | "error-unknownApplication";
  ping: boolean;
  updateCheck: boolean;
  eventCount: number;
  offer: OmahaOffer | null;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The response update_engine parses: `daystart`, then per app `ping`, `updatecheck` (with
 * urls and manifest when offering) and one `event` ack per event, in that order.
 */
export function buildOmahaResponse(apps: OmahaAppAnswer[]): string {
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<response protocol="3.0" server="flotilla"><daystart elapsed_seconds="0"></daystart>`;
  for (const a of apps) {
    out += `<app appid="${esc(a.appId)}" status="${a.status}">`;
    if (a.status === "ok") {
      if (a.ping) out += `<ping status="ok"></ping>`;
      if (a.updateCheck) out += updateCheck(a.offer);
      for (let i = 0; i < a.eventCount; i++) out += `<event status="ok"></event>`;
    }
    out += `</app>`;
  }
  return `${out}</response>\n`;
}

function updateCheck(offer: OmahaOffer | null): string {
  if (!offer) return `<updatecheck status="noupdate"></updatecheck>`;
  return (
    `<updatecheck status="ok"><urls><url codebase="${esc(offer.codebase)}"></url></urls>` +
    `<manifest version="${esc(offer.version)}"><packages><package name="${esc(offer.packageName)}" hash="${esc(offer.sha1Base64)}" size="${offer.sizeBytes}" required="true"></package>${extraPackages(offer.extensions ?? [])}</packages>` +
    `<actions><action event="postinstall" sha256="${esc(offer.sha256Base64)}" DisablePayloadBackoff="true"></action></actions></manifest></updatecheck>`
  );
}

/**
 * Extension packages as Nebraska lists a package's extra files (backend/pkg/omaha/omaha.go,
 * addPackageToManifest): after the main package, with `hash` (base64 SHA-1) and `hash_sha256`.
 * update_engine reads only the first package (omaha_request_action.cc, ParsePackage: "We only
 * care about the first package"), so these never change what it installs. `hash_sha256` is hex:
 * Nebraska's syncer compares it with the hex digest of the download (syncer.go, downloadPackage).
 */
function extraPackages(extra: readonly OmahaExtraPackage[]): string {
  let out = "";
  for (const e of extra) {
    const hex = Buffer.from(e.sha256Base64, "base64").toString("hex");
    out += `<package name="${esc(e.name)}" hash="${esc(e.sha1Base64)}" hash_sha256="${hex}" size="${e.sizeBytes}" required="false"></package>`;
  }
  return out;
}

export { FLATCAR_APP_ID };
