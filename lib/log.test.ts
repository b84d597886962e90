import { describe, expect, it } from "vitest";
import { withoutQueryParams } from "./log";

describe("logged errors", () => {
  it("keep the failed SQL and the cause but never the query parameters", () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: "22021" });
    const err = Object.assign(new Error('Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: a@example.com,$argon2id$v=19$secret'), {
      query: 'insert into "users" ("email", "password_hash") values ($1, $2)',
      params: ["a@example.com", "$argon2id$v=19$secret"],
      cause,
    });
    const logged = JSON.stringify(withoutQueryParams({ type: "Error", message: err.message, stack: err.stack, query: err.query, params: err.params, cause: { message: cause.message, code: cause.code } }));
    expect(logged).not.toContain("argon2id");
    expect(logged).toContain("Failed query: insert into");
    expect(logged).toContain("params: [redacted]");
    expect(logged).toContain("22021");
  });
});
