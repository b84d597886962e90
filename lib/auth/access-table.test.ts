import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { accessControlTable } from "./access-table";
import { PERMISSION_MEANING, ROLES, permissionsOf } from "./permissions";

describe("the README's access-control table", () => {
  it("is the one GRANTS produces (regenerate with npm run docs:access)", () => {
    const readme = fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Access control"));
    expect(section.startsWith("## Access control"), "README has an Access control section").toBe(true);
    expect(section, `README table out of date; it should read:\n${accessControlTable()}`).toContain(accessControlTable());
  });
  it("describes every permission a role holds", () => {
    for (const role of ROLES) for (const p of permissionsOf(role)) expect(PERMISSION_MEANING[p]).toBeTruthy();
  });
});
