import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
export const E2E_ENROLLMENT_TOKEN = "e2e-enrollment-token-0123456789";
// The OpenID provider e2e/sso.spec.ts starts (a real one, panva's oidc-provider) listens here.
export const E2E_OIDC_PORT = E2E_PORT + 100;
export const E2E_OIDC = {
  issuer: `http://localhost:${E2E_OIDC_PORT}`,
  clientId: "flotilla",
  clientSecret: "flotilla-test-client-secret-0123456789",
  roleMap: "flotilla-admins=admin,sre=operator,release-managers=approver,staff=viewer",
};

// Debian's Chromium (no browser downloads here); override with CHROMIUM_PATH.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // The production build behind the custom server, on a throwaway embedded database.
    command: "npx tsx server/main.ts",
    url: `http://localhost:${E2E_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      FLOTILLA_DATA_DIR: path.join(os.tmpdir(), `flotilla-e2e-${process.pid}-${Date.now()}`),
      FLOTILLA_ADMIN_EMAIL: E2E_ADMIN.email,
      FLOTILLA_ADMIN_PASSWORD: E2E_ADMIN.password,
      FLOTILLA_ENROLLMENT_TOKEN: E2E_ENROLLMENT_TOKEN,
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      // Rollouts advance within a second of being ready, so tests watch them move.
      FLOTILLA_ROLLOUT_TICK_SECONDS: "1",
      FLOTILLA_OIDC_ISSUER: E2E_OIDC.issuer,
      FLOTILLA_OIDC_CLIENT_ID: E2E_OIDC.clientId,
      FLOTILLA_OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
      FLOTILLA_OIDC_SCOPES: "openid email profile groups",
      FLOTILLA_OIDC_ROLE_MAP: E2E_OIDC.roleMap,
      FLOTILLA_OIDC_LABEL: "Corp SSO",
      // Enabled release sync sources are picked up within a second.
      FLOTILLA_SYNC_TICK_SECONDS: "1",
    },
  },
});
