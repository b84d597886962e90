// `npm start` builds the web UI once on a fresh clone, and again when the sources are newer
// than the build, so the README's single start command is always true.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const buildId = path.join(process.cwd(), ".next", "BUILD_ID");
const sourceDirs = ["app", "components", "lib", "db", "public"];

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
const sources = Math.max(...sourceDirs.map(newestMtime), fs.statSync("package.json").mtimeMs);
if (built < sources) {
  console.log(built ? "Sources changed since the last build: rebuilding the UI…" : "First start: building the UI (about a minute)…");
  execSync("npm run build", { stdio: "inherit" });
}
