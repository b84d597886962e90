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
  it("refuses several processes on the embedded database", () => {
    expect(() => parseEnv({ FLOTILLA_WORKERS: "2" })).toThrow(/FLOTILLA_WORKERS: more than one process needs DATABASE_URL/);
    expect(parseEnv({ FLOTILLA_WORKERS: "2", DATABASE_URL: "postgres://x@y/z" }).FLOTILLA_WORKERS).toBe(2);
  });

  it("names each bad variable", () => {
    expect(() => parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", FLOTILLA_ADMIN_PASSWORD: "short" })).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*FLOTILLA_ADMIN_PASSWORD/);
  });
});
