import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";

// The Playwright suite checks these on the production build; this keeps the configuration
// itself from regressing in the fast suite.
describe("security headers in next.config", () => {
  it("apply to every page and API route: CSP with frame-ancestors 'none', nosniff, DENY, same-origin referrer", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*");
    expect(all).toBeDefined();
    const h = Object.fromEntries(all!.headers.map((x) => [x.key.toLowerCase(), x.value]));
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(h["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(h["content-security-policy"]).not.toMatch(/script-src[^;]*(\*|https?:)/);
    expect(nextConfig.poweredByHeader).toBe(false);
  });
});
