import { describe, expect, it } from "vitest";
import { isUnavailableError } from "./db-errors";

describe("database outage errors", () => {
  it.each([
    [{ code: "ECONNREFUSED" }, true],
    [{ code: "57P01", message: "terminating connection due to administrator command" }, true],
    [{ code: "08006" }, true],
    [new Error("timeout exceeded when trying to connect"), true],
    [{ message: "query failed", cause: { code: "ECONNRESET" } }, true],
    [{ code: "23505", message: "duplicate key" }, false],
    [new Error("boom"), false],
  ])("%j → %s", (err, expected) => {
    expect(isUnavailableError(err)).toBe(expected);
  });
});
