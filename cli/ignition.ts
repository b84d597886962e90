import fs from "node:fs";
import { Command } from "commander";
import { looksLikeButane, translateButane } from "../lib/butane/translate";
import { compileConfig } from "../lib/ignition/compile";

interface FileResult {
  file: string;
  format: "ignition" | "butane";
  valid: boolean;
  errors: Array<{ path: string; line: number; column: number; message: string }>;
  warnings: Array<{ path: string; line: number; column: number; message: string }>;
}

function check(file: string): FileResult {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    return { file, format: "ignition", valid: false, errors: [{ path: "$", line: 0, column: 0, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }], warnings: [] };
  }
  const format = looksLikeButane(text) ? "butane" : "ignition";
  const c = compileConfig(format, text);
  return { file, format, valid: c.valid, errors: c.errors, warnings: c.warnings };
}

/** `flotilla ignition validate FILE…`: ignition-validate's output shape, exit 1 on any error. */
export function ignitionCommand(): Command {
  const cmd = new Command("ignition").description("Ignition config tools");
  cmd
    .command("validate")
    .description("validate Ignition (JSON) or Butane (YAML) configs like ignition-validate; exits 1 if any is invalid")
    .argument("<files...>", "config files")
    .option("--json", "print the structured result as JSON")
    .action((files: string[], opts: { json?: boolean }) => {
      const results = files.map(check);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(files.length === 1 ? results[0] : results, null, 2)}\n`);
      } else {
        for (const r of results) {
          const prefix = files.length > 1 ? `${r.file}: ` : "";
          for (const e of r.errors) process.stdout.write(`${prefix}error at ${e.path}, line ${e.line} col ${e.column}: ${e.message}\n`);
          for (const w of r.warnings) process.stdout.write(`${prefix}warning at ${w.path}, line ${w.line} col ${w.column}: ${w.message}\n`);
        }
      }
      process.exitCode = results.every((r) => r.valid) ? 0 : 1;
    });
  return cmd;
}

/** `flotilla butane FILE`: prints the Ignition translation, errors on stderr and exit 1. */
export function butaneCommand(): Command {
  return new Command("butane")
    .description("translate a Butane config (variants fcos, flatcar) to Ignition JSON")
    .argument("<file>", "Butane YAML file, or - for standard input")
    .option("--strict", "fail on warnings too")
    .action((file: string, opts: { strict?: boolean }) => {
      const text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
      const r = translateButane(text, { strict: opts.strict === true });
      for (const i of [...r.errors, ...r.warnings]) process.stderr.write(`${i.severity} at ${i.path}, line ${i.line} col ${i.column}: ${i.message}\n`);
      if (r.ignition && r.errors.length === 0) process.stdout.write(r.ignition.endsWith("\n") ? r.ignition : `${r.ignition}\n`);
      process.exitCode = r.errors.length === 0 && r.ignition ? 0 : 1;
    });
}
