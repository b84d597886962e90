import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

/** Every route file under app/api/v1 as an OpenAPI path with its exported methods. */
function routeFiles(dir: string, prefix = "/api/v1"): Array<{ path: string; methods: string[] }> {
  const out: Array<{ path: string; methods: string[] }> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith("_")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(full, `${prefix}/${entry.name.replace(/^\[(.+)\]$/, "{$1}")}`));
    else if (entry.name === "route.ts") {
      const src = fs.readFileSync(full, "utf8");
      const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PATCH|PUT|DELETE)\b/g)].map((m) => m[1]!.toLowerCase());
      out.push({ path: prefix, methods });
    }
  }
  return out;
}

describe("OpenAPI document", () => {
  it("describes every operator route and method that exists", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const routes = routeFiles(path.join(process.cwd(), "app", "api", "v1"))// The catch-all ([...path]) is the JSON 404 for paths no route serves, not an API.
      .filter((r) => r.path !== "/api/v1/openapi.json" && !r.path.includes("{..."));
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      expect(doc.paths[r.path], r.path).toBeDefined();
      for (const m of r.methods) expect(doc.paths[r.path]?.[m], `${m.toUpperCase()} ${r.path}`).toBeDefined();
    }
  });
  it("embeds the native report schema as JSON Schema", () => {
    const doc = openApiDocument() as { components: { schemas: { NativeReport: { properties: Record<string, unknown>; required: string[] } } } };
    expect(Object.keys(doc.components.schemas.NativeReport.properties)).toEqual(expect.arrayContaining(["machineId", "os", "state", "health", "labels", "group"]));
    expect(doc.components.schemas.NativeReport.required).toEqual(expect.arrayContaining(["machineId", "os", "state"]));
  });
});
