// Rules for storage.luks (3.2+): device, label, clevis (custom / tang / tpm2)
// and cex (3.5+), following config/v3_N/types/{luks,clevis,tang,cex}.go.

import type { PathSegment } from "./decode";
import { validatePath } from "./go-path";
import { isValidJson, utf8Length } from "./json-ast";
import type { RuleContext } from "./rule-context";
import { validateResource } from "./rules-ignition";
import type { Clevis, Luks, Tang } from "./types";
import { ERR_INVALID_SCHEME, ERR_INVALID_URL, tryParseUrl, validateUrlNilOk } from "./url";

const KNOWN_PINS = ["tpm2", "tang", "sss"];

function notEmpty(v: string | undefined): v is string {
  return v !== undefined && v !== "";
}

function clevisHasOthers(c: Clevis): boolean {
  return c.tang.length > 0 || c.tpm2 === true || (c.threshold !== undefined && c.threshold !== 0n);
}

function validateCustom(c: Clevis, path: PathSegment[], ctx: RuleContext): void {
  const { report, features } = ctx;
  const custom = c.custom;
  if (custom === undefined) return;
  const at = [...path, "custom"];
  if (!features.v33) {
    // 3.2: pin and config are plain strings.
    if (custom.pin === "" && custom.config === "") return;
    if (!KNOWN_PINS.includes(custom.pin ?? "")) report.error([...at, "pin"], "unsupported clevis pin");
    if (custom.config === "") report.error([...at, "config"], "missing required custom clevis config");
    return;
  }
  if (!notEmpty(custom.pin) && !notEmpty(custom.config) && custom.needsNetwork !== true) return;
  if (!notEmpty(custom.pin)) report.error([...at, "pin"], "missing required custom clevis pin");
  else if (!features.v35 && !KNOWN_PINS.includes(custom.pin)) report.error([...at, "pin"], "unsupported clevis pin");
  if (!notEmpty(custom.config)) report.error([...at, "config"], "missing required custom clevis config");
}

function validateTang(t: Tang, path: PathSegment[], ctx: RuleContext): void {
  const { report, features } = ctx;
  const u = tryParseUrl(t.url);
  if (u === undefined) report.error([...path, "url"], ERR_INVALID_URL);
  else if (u.scheme !== "http" && u.scheme !== "https") report.error([...path, "url"], ERR_INVALID_SCHEME);
  if (!notEmpty(t.thumbprint)) report.error([...path, "thumbprint"], "thumbprint is required");
  if (features.v34 && notEmpty(t.advertisement) && !isValidJson(t.advertisement)) {
    report.error([...path, "advertisement"], "advertisement is not valid JSON");
  }
}

export function validateLuks(l: Luks, i: number, ctx: RuleContext): void {
  const { report, features } = ctx;
  const path: PathSegment[] = ["storage", "luks", i];
  if (l.name.includes("/")) report.error([...path, "name"], "device names cannot contain slashes");
  if (notEmpty(l.label) && utf8Length(l.label) > 47) report.error([...path, "label"], "luks device labels cannot be longer than 47 characters");
  if (!notEmpty(l.device)) report.error([...path, "device"], "disk device is required");
  else report.error([...path, "device"], validatePath(l.device));

  const clevis = l.clevis;
  if (clevis !== undefined) {
    const customSet = features.v33 ? notEmpty(clevis.custom?.pin) : clevis.custom !== undefined;
    if (customSet && clevisHasOthers(clevis)) report.error([...path, "clevis"], "cannot use custom clevis config with tpm2, tang, or threshold");
  }
  if (validateUrlNilOk(l.keyFile.source, features.url) !== undefined) report.error([...path, "keys"], "invalid key-file source");

  if (features.v35) {
    const cexPresent = l.cex?.enabled === true;
    const clevisPresent = clevis !== undefined && (notEmpty(clevis.custom?.pin) || clevisHasOthers(clevis));
    if (cexPresent && clevisPresent) report.error([...path, "cex"], "cannot use cex with clevis");
    if (cexPresent && notEmpty(l.keyFile.source)) report.error([...path, "cex"], "cannot use key file with cex");
  }

  if (clevis !== undefined) {
    validateCustom(clevis, [...path, "clevis"], ctx);
    clevis.tang.forEach((t, j) => validateTang(t, [...path, "clevis", "tang", j], ctx));
  }
  validateResource(l.keyFile, [...path, "keyFile"], "keyFile", ctx);
}
