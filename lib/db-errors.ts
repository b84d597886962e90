/**
 * Errors that mean "the database is not there right now" rather than "this request is wrong":
 * refused or reset connections, pool timeouts, Postgres shutting down or not accepting
 * connections (SQLSTATE class 08, 57P0x). Those become 503 + Retry-After, never a 500.
 */
export function isUnavailableError(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (/^08/.test(code) || /^57P0/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|not currently accepting connections|terminating connection/i.test(message)) return true;
  }
  return false;
}

/**
 * Errors caused by the values a request carried rather than by the server: SQLSTATE class 22
 * (data exception: out-of-range number, bad text representation, untranslatable character)
 * is "invalid", class 23 (integrity constraint, e.g. a unique key two requests raced for) is
 * "conflict". Routes answer them as 400 / 409 instead of 500.
 */
export function dataErrorKind(err: unknown): "invalid" | "conflict" | null {
  for (let e: unknown = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || code.length !== 5) continue;
    if (code.startsWith("22")) return "invalid";
    if (code.startsWith("23")) return "conflict";
  }
  return null;
}
