import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

describe("configuration", () => {
  it("has working defaults (embedded database on ./data, port 3000)", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e).toMatchObject({ PORT: 3000, FLOTILLA_DATA_DIR: "./data", FLOTILLA_REPORT_INTERVAL_SECONDS: 60, FLOTILLA_TRUST_PROXY: false });
  });
  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", FLOTILLA_ADMIN_EMAIL: " " }).DATABASE_URL).toBeUndefined();
  });
  it("names each bad variable", () => {
    expect(() => parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", FLOTILLA_ADMIN_PASSWORD: "short" })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*FLOTILLA_ADMIN_PASSWORD/);
  });
});
