// CI fails when the drizzle schema and the committed migrations disagree: drizzle-kit
// generates into a scratch copy of db/migrations, and any new file there is drift (a schema
// change without its migration, or a hand-edited snapshot).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

const committed = path.resolve("db/migrations");
// drizzle-kit reads --out relative to the working directory, so the scratch copy lives inside.
mkdirSync("node_modules/.cache", { recursive: true });
const scratch = path.relative(process.cwd(), mkdtempSync("node_modules/.cache/migration-drift-"));
try {
  cpSync(committed, scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const out = execFileSync(
    "npx",
    ["drizzle-kit", "generate", "--dialect", "postgresql", "--schema", "./db/schema/index.ts", "--out", scratch, "--name", "drift_check"],
    { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
  );
  const added = readdirSync(scratch).filter((f) => !before.has(f));
  // drizzle-kit exits 0 even when it fails to read the folder: insist on its all-clear.
  if (added.length === 0 && !/No schema changes/.test(out)) {
    console.error(`drizzle-kit did not confirm the migrations:\n${out}`);
    process.exit(1);
  }
  if (added.length > 0) {
    console.error(`Migration drift: the schema in db/schema differs from db/migrations; drizzle-kit would generate ${added.join(", ")}.\nRun \`npm run db:generate -- --name <change>\` and commit the migration.`);
    process.exit(1);
  }
  console.log("Migrations match the schema.");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
