import { describe, expect, it } from "vitest";
import { dataErrorKind, isUnavailableError } from "./db-errors";

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

describe("errors caused by the request's values", () => {
  it.each([
    [{ code: "22021", message: "invalid byte sequence for encoding UTF8: 0x00" }, "invalid"],
    [{ code: "22003", message: "value out of range for type integer" }, "invalid"],
    [{ message: "Failed query", cause: { code: "22P02" } }, "invalid"],
    [{ code: "23505", message: "duplicate key" }, "conflict"],
    [{ code: "57P01" }, null],
    [{ code: "ECONNRESET" }, null],
    [new Error("boom"), null],
  ])("%j → %s", (err, expected) => {
    expect(dataErrorKind(err)).toBe(expected);
  });
});
