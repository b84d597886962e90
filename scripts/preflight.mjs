// First step of `npm test`: the suite needs Debian's Chromium (Playwright, no browser
// downloads here) and the real Ignition (ignition-validate and the fetch stage as test
// oracles). Fail in the first second with the one command that installs what is missing,
// instead of minutes later in the middle of the suite.
import { accessSync, constants } from "node:fs";
import { execFileSync } from "node:child_process";

function onPath(cmd) {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const missing = [];
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!executable(chromium)) missing.push("chromium");
if (!onPath("ignition-validate") || !executable("/usr/lib/dracut/modules.d/30ignition/ignition")) missing.push("ignition");

if (missing.length > 0) {
  const sudo = process.getuid?.() === 0 ? "" : "sudo ";
  console.error(`npm test needs ${missing.join(" and ")} from Debian, which this machine lacks. Install with:\n\n  ${sudo}apt-get update && ${sudo}apt-get install -y ${missing.join(" ")}\n`);
  process.exit(1);
}
