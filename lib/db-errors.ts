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
