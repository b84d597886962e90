import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_RESOURCES, routeLabel } from "./metrics";

describe("routeLabel", () => {
  it("names every operator API resource folder and nothing else", () => {
    const dirs = fs
      .readdirSync(path.join(process.cwd(), "app/api/v1"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("_") && !d.name.startsWith("["))
      .map((d) => d.name)
      .sort();
    expect([...API_RESOURCES].sort()).toEqual(dirs);
  });

  it("maps invented paths onto a fixed set of labels", () => {
    const labels = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const junk = Math.random().toString(36).slice(2);
      for (const p of [`/v1/${junk}`, `/v1/${junk}/x`, `/api/v1/${junk}`, `/api/${junk}`, `/${junk}`]) labels.add(routeLabel(p));
    }
    expect([...labels].sort()).toEqual(["/api/other", "/v1/other", "page"]);
    expect(routeLabel("/api/v1/hosts/abc")).toBe("/api/v1/hosts");
  });
});
