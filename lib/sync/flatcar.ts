// Flatcar sync: ask an upstream Omaha server what a fresh host on a track and board would be
// offered, and turn the answer into a release. Pure: building the request and reading the answer.
import { FLATCAR_APP_ID, OmahaRequestError, readXml } from "../omaha/request";
import { extensionUrl, NewReleaseSchema, type NewRelease } from "../operator/release-schemas";
import { SyncError } from "./errors";


function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Omaha's names for an arch: the board (`amd64-usr`), `os@sp`'s suffix and `os@arch`. */
export function flatcarBoard(arch: string): { board: string; sp: string; osArch: string } {
  if (arch === "arm64") return { board: "arm64-usr", sp: "aarch64", osArch: "arm64" };
  if (arch === "amd64") return { board: "amd64-usr", sp: "x86_64", osArch: "x64" };
  throw new SyncError("config", `Flatcar has no board for arch ${arch} (amd64 or arm64)`);
}

/**
 * The update check a brand-new host on `track` would send: version 0.0.0, so upstream offers
 * the channel's current release. Shaped like update_engine's request (protocols.md) and like
 * Nebraska's own syncer (backend/pkg/syncer/syncer.go, doOmahaRequest: Chateau/CoreOS, sp
 * `<version>_x86_64`, os arch, track, machine and boot ids).
 */
export function flatcarCheckRequest(opts: { track: string; arch: string; machineId: string; bootId: string }): string {
  const b = flatcarBoard(opts.arch);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">` +
    `<os version="Chateau" platform="CoreOS" sp="0.0.0_${b.sp}" arch="${b.osArch}"></os>` +
    `<app appid="{${FLATCAR_APP_ID}}" version="0.0.0" track="${esc(opts.track)}" bootid="{${esc(opts.bootId)}}" oem="" oemversion="" alephversion="0.0.0" machineid="${esc(opts.machineId)}" lang="en-US" board="${b.board}" hardware_class="" delta_okay="false">` +
    `<ping active="1"></ping><updatecheck></updatecheck></app></request>\n`
  );
}

export interface FlatcarPackage {
  name: string;
  sizeBytes: number;
  sha1Base64: string;
  sha256Base64: string;
}

export type FlatcarUpdate = { kind: "noupdate" } | { kind: "update"; version: string; codebase: string; payload: FlatcarPackage; extensions: FlatcarPackage[] };

type El = ReturnType<typeof readXml>;
const kids = (n: El | undefined, name: string): El[] => (n ? n.children.filter((c) => c.name === name) : []);
const kid = (n: El | undefined, name: string): El | undefined => kids(n, name)[0];

const B64_20 = /^[A-Za-z0-9+/]{27}=$/;
const B64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** A SHA-256 as upstream writes it: base64 (postinstall action) or hex (Nebraska's hash_sha256). */
function sha256Of(raw: string | undefined, where: string): string {
  if (raw && B64_32.test(raw)) return raw;
  if (raw && /^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, "hex").toString("base64");
  throw new SyncError("garbage", `${where}: no SHA-256 (base64 or hex)`);
}

function packageOf(p: El, where: string, sha256: string | undefined): FlatcarPackage {
  const name = p.attrs.name ?? "";
  const size = Number(p.attrs.size);
  if (!/^[^/\s]{1,256}$/.test(name)) throw new SyncError("garbage", `${where}: package without a file name`);
  if (!Number.isSafeInteger(size) || size <= 0) throw new SyncError("garbage", `${where}: package ${name} has no size`);
  const sha1 = p.attrs.hash ?? "";
  if (!B64_20.test(sha1)) throw new SyncError("garbage", `${where}: package ${name} has no base64 SHA-1`);
  return { name, sizeBytes: size, sha1Base64: sha1, sha256Base64: sha256Of(sha256, `${where}: package ${name}`) };
}

/**
 * Reads upstream's answer the way update_engine does (omaha_request_action.cc: updatecheck
 * status, url codebase, the first package's name and size, the postinstall action's sha256)
 * and keeps the extra packages Nebraska lists after it. Anything else is "garbage": a clear
 * error, never a half-read release. A multi-manifest answer (Nebraska floors) yields its target.
 */
export function parseFlatcarUpdate(xml: string): FlatcarUpdate {
  let root: El;
  try {
    root = readXml(xml);
  } catch (e) {
    throw new SyncError("garbage", `upstream answered something that is not Omaha XML (${e instanceof OmahaRequestError ? e.reason : "unreadable"})`);
  }
  if (root.name !== "response" || root.attrs.protocol !== "3.0") throw new SyncError("garbage", `upstream answered <${root.name}>, not an Omaha 3.0 <response>`);
  const app = kid(root, "app");
  if (!app) throw new SyncError("garbage", "Omaha response without <app>");
  if (app.attrs.status !== "ok") throw new SyncError("upstream", `upstream refused the check: app status "${app.attrs.status ?? ""}"`);
  const check = kid(app, "updatecheck");
  if (!check) throw new SyncError("garbage", "Omaha response without <updatecheck>");
  const status = check.attrs.status;
  if (status === "noupdate") return { kind: "noupdate" };
  if (status !== "ok") throw new SyncError("upstream", `upstream answered updatecheck status "${status ?? ""}"`);
  const codebase = kid(kid(check, "urls"), "url")?.attrs.codebase ?? "";
  if (!/^https?:\/\/\S+$/.test(codebase)) throw new SyncError("garbage", "offer without an http(s) url codebase");
  const manifests = kids(check, "manifest");
  const manifest = manifests.find((m) => m.attrs.is_target === "true") ?? manifests[manifests.length - 1];
  if (!manifest) throw new SyncError("garbage", "offer without a manifest");
  const version = manifest.attrs.version ?? "";
  if (!/^[0-9A-Za-z][0-9A-Za-z.+_~-]{0,63}$/.test(version)) throw new SyncError("garbage", "manifest without a version");
  const packages = kids(kid(manifest, "packages"), "package");
  const postinstall = kids(kid(manifest, "actions"), "action").find((a) => a.attrs.event === "postinstall");
  if (!packages[0]) throw new SyncError("garbage", `manifest ${version} lists no package`);
  const payload = packageOf(packages[0], `manifest ${version}`, postinstall?.attrs.sha256);
  const extensions = packages.slice(1).map((p) => packageOf(p, `manifest ${version}`, p.attrs.hash_sha256));
  return { kind: "update", version, codebase: codebase.endsWith("/") ? codebase : `${codebase}/`, payload, extensions };
}

/** The catalog entry for an offered update, checked by the same schema operators go through. */
export function flatcarRelease(update: Extract<FlatcarUpdate, { kind: "update" }>, channelId: string, arch: string, source: string): NewRelease {
  const parsed = NewReleaseSchema.safeParse({
    osFamily: "flatcar",
    channelId,
    version: update.version,
    arch,
    payloadUrl: update.codebase,
    payloadName: update.payload.name,
    sizeBytes: update.payload.sizeBytes,
    sha1Base64: update.payload.sha1Base64,
    sha256Base64: update.payload.sha256Base64,
    extensionPayloads: update.extensions.map((e) => ({ ...e, url: extensionUrl(update.codebase, e.name) })),
    notes: `imported by sync ${source}`,
  });
  if (!parsed.success) throw new SyncError("garbage", `upstream release ${update.version} is not a valid release: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
