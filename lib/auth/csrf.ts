/**
 * Cross-site request check for cookie-authenticated writes. Browsers mark every cross-site
 * request with `Sec-Fetch-Site` and/or `Origin`; clients that send neither (curl, scripts)
 * cannot be driven by a hostile page, so they pass.
 */
export function isCrossSite(headers: { origin: string | null; secFetchSite: string | null; host: string | null }, publicOrigin?: string): boolean {
  const site = headers.secFetchSite;
  if (site && site !== "same-origin" && site !== "none") return true;
  if (headers.origin) {
    if (headers.origin === "null") return true;
    let originHost: string;
    try {
      originHost = new URL(headers.origin).host;
    } catch {
      return true;
    }
    const allowed = new Set<string>();
    if (headers.host) allowed.add(headers.host);
    if (publicOrigin) {
      try {
        allowed.add(new URL(publicOrigin).host);
      } catch {
        // ignore a malformed public URL; env validation reports it
      }
    }
    return !allowed.has(originHost);
  }
  return false;
}
