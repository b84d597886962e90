import { expect, test, type APIResponse } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";

function expectSecurityHeaders(res: APIResponse, what: string) {
  const h = res.headers();
  expect(h["x-content-type-options"], what).toBe("nosniff");
  expect(h["x-frame-options"], what).toBe("DENY");
  expect(h["referrer-policy"], what).toBe("same-origin");
  expect(h["content-security-policy"], what).toContain("frame-ancestors 'none'");
  expect(h["content-security-policy"], what).toContain("default-src 'self'");
  expect(h["x-powered-by"], what).toBeUndefined();
}

test("pages and operator API answers of the production build carry the security headers", async ({ request }) => {
  for (const path of ["/login", "/hosts", "/api/v1/me", "/api/v1/openapi.json", "/no-such-page"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBeLessThan(500);
    expectSecurityHeaders(res, path);
  }
  const write = await request.post("/api/v1/groups", { data: {}, maxRedirects: 0 });
  expect(write.status()).toBe(401);
  expectSecurityHeaders(write, "POST /api/v1/groups");
  // Agent endpoints skip Next but still forbid MIME sniffing.
  expect((await request.get("/healthz")).headers()["x-content-type-options"]).toBe("nosniff");
});

test("the session cookie is HttpOnly and SameSite=Lax, and Secure behind a TLS proxy", async ({ playwright, baseURL }) => {
  for (const tls of [false, true]) {
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: tls ? { "x-forwarded-proto": "https" } : {} });
    const res = await api.post("/api/v1/auth/login", { data: E2E_ADMIN });
    expect(res.status()).toBe(200);
    const cookie = res.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("flotilla_session="))?.value ?? "";
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    if (tls) expect(cookie).toMatch(/;\s*Secure/i);
    else expect(cookie).not.toMatch(/;\s*Secure/i);
    await api.dispose();
  }
});
