#!/usr/bin/env node
// The `flotilla` command: runs the TypeScript CLI through tsx, from any working directory.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// tsx looks for tsconfig.json in the working directory; name ours so `@/…` imports resolve
// wherever the command is started from.
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("../cli/main.ts", import.meta.url).href);
