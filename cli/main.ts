// The `flotilla` command (bin/flotilla.mjs, `npm run simulate`): one file per subcommand.
import fs from "node:fs";
import { Command } from "commander";
import { butaneCommand, ignitionCommand } from "./ignition";
import { simulateCommand } from "./simulate";

function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    if (typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string") return pkg.version;
  } catch {
    // a version is nice to have, never a reason to fail
  }
  return "0.0.0";
}

const program = new Command("flotilla")
  .description("Flotilla: update control plane for Flatcar / Fedora CoreOS fleets")
  .version(packageVersion())
  .showHelpAfterError("(add --help for usage)")
  .addCommand(simulateCommand())
  .addCommand(ignitionCommand())
  .addCommand(butaneCommand());

await program.parseAsync(process.argv);
