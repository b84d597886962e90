import { expect, test } from "@playwright/test";
import { E2E_OIDC, E2E_OIDC_PORT } from "../playwright.config";
import { startOidcProvider, type TestOidcProvider } from "../tests/helpers/oidc-provider";
import { BASE_URL, uniqueName } from "./support";

// One provider on a fixed port for the server's configuration, so the flows run one at a time.
test.describe.configure({ mode: "serial" });

let provider: TestOidcProvider;
test.beforeAll(async () => {
  provider = await startOidcProvider({ port: E2E_OIDC_PORT, redirectUris: [`${BASE_URL}/api/v1/auth/oidc/callback`] });
  expect(provider.issuer).toBe(E2E_OIDC.issuer);
});
test.afterAll(async () => {
  await provider?.close();
});

async function signInAtProvider(page: import("@playwright/test").Page, login: string) {
  await page.goto("/login?next=/hosts");
  await page.getByRole("link", { name: "Sign in with Corp SSO" }).click();
  // The provider's own login screen (oidc-provider's development interaction).
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any-password");
  await page.getByRole("button", { name: /sign-in/i }).click();
}

test("single sign-on through the identity provider, with the role its groups map to", async ({ page }) => {
  const login = uniqueName("carol");
  provider.accounts.set(login, { email: `${login}@corp.example`, name: "Carol SRE", groups: ["staff", "sre"] });
  await signInAtProvider(page, login);

  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const me = (await (await page.request.get("/api/v1/me")).json()) as { email: string; role: string };
  expect(me).toMatchObject({ email: `${login}@corp.example`, role: "operator" });

  // Removed from every mapped group at the provider: the next sign-in is refused, with the reason.
  await page.request.post("/api/v1/auth/logout");
  provider.accounts.set(login, { email: `${login}@corp.example`, name: "Carol SRE", groups: ["marketing"] });
  // The provider still knows Carol (its own session), so it sends her straight back.
  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with Corp SSO" }).click();
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole("alert").filter({ hasText: "Single sign-on failed" })).toContainText("grants you no Flotilla role");
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
});
