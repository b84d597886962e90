// Rules for systemd units and drop-ins, and the config-wide check that no
// storage node is written over a unit Ignition itself writes.

import type { PathSegment } from "./decode";
import { ext } from "./go-path";
import { goQuote } from "./go-quote";
import type { RuleContext } from "./rule-context";
import { parseUnitContents } from "./systemd-unit";
import type { Config, Unit } from "./types";

const UNIT_EXTENSIONS = [".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path", ".timer", ".snapshot", ".slice", ".scope"];

function validateUnit(u: Unit, i: number, ctx: RuleContext): void {
  const { report } = ctx;
  const path: PathSegment[] = ["systemd", "units", i];
  if (!UNIT_EXTENSIONS.includes(ext(u.name))) report.error([...path, "name"], "invalid systemd unit extension");
  if (u.contents !== undefined) {
    const parsed = parseUnitContents(u.contents);
    if (!parsed.ok) report.error([...path, "contents"], parsed.error);
    else if (u.enabled === true && u.contents !== "" && !parsed.options.some((o) => o.section === "Install")) {
      report.warn([...path, "contents"], `unit ${goQuote(u.name)} is enabled, but has no install section so enable does nothing`);
    }
  }
  u.dropins.forEach((d, j) => {
    const at: PathSegment[] = [...path, "dropins", j];
    if (d.contents !== undefined) {
      const parsed = parseUnitContents(d.contents);
      if (!parsed.ok) report.error([...at, "contents"], parsed.error);
    }
    if (ext(d.name) !== ".conf") report.error([...at, "name"], "invalid systemd drop-in extension");
  });
}

export function validateSystemd(cfg: Config, ctx: RuleContext): void {
  cfg.systemd.units.forEach((u, i) => validateUnit(u, i, ctx));
}

/**
 * A file, directory or link at the path of a unit or drop-in that has contents
 * would fight with Ignition's own write. Upstream added this after 2.14 and
 * applies it to every 3.x spec, so Flotilla does too.
 */
export function validateSystemdPathConflicts(cfg: Config, ctx: RuleContext): void {
  const unitPaths = new Set<string>();
  for (const unit of cfg.systemd.units) {
    if (unit.contents !== undefined && unit.contents !== "") unitPaths.add(`/etc/systemd/system/${unit.name}`);
    for (const d of unit.dropins) {
      if (d.contents !== undefined && d.contents !== "") unitPaths.add(`/etc/systemd/system/${unit.name}.d/${d.name}`);
    }
  }
  const message = "path conflicts with systemd unit or dropin";
  for (const kind of ["files", "directories", "links"] as const) {
    cfg.storage[kind].forEach((n, i) => {
      if (unitPaths.has(n.path)) ctx.report.error(["storage", kind, i, "path"], message);
    });
  }
}
