// Writes the Ignition corpus: one file per case and spec version, named
// "<version>--<valid|invalid>--<case>.ign". Run from the repository root:
//   npx tsx tests/ignition-corpus/generate.ts
// The generated files are committed; rerun after editing a cases-*.ts file.

import { readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { invalidCases } from "./cases-invalid";
import { newerSpecCases, stricterCases } from "./cases-newer";
import { validCases, type CorpusCase } from "./cases-valid";

const dir = dirname(fileURLToPath(import.meta.url));

export function corpusFileName(version: string, c: CorpusCase): string {
  return `${version}--${c.kind}--${c.name}.ign`;
}

function render(c: CorpusCase, version: string): string {
  const built = c.build(version);
  return typeof built === "string" ? built : `${JSON.stringify(built, null, 2)}\n`;
}

function main(): void {
  for (const name of readdirSync(dir)) if (name.endsWith(".ign")) unlinkSync(join(dir, name));
  const all = [...validCases, ...invalidCases, ...stricterCases, ...newerSpecCases];
  const written = new Set<string>();
  for (const c of all) {
    for (const version of c.versions) {
      const name = corpusFileName(version, c);
      if (written.has(name)) throw new Error(`duplicate corpus file ${name}`);
      written.add(name);
      writeFileSync(join(dir, name), render(c, version));
    }
  }
  console.log(`wrote ${written.size} corpus files to ${dir}`);
}

main();
