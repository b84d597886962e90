import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { startFlatcarUpstream, type FlatcarUpstream } from "../tests/helpers/upstreams";
import { LoginPage } from "./pages/login-page";
import { ReleasesPage } from "./pages/releases-page";
import { SyncPage } from "./pages/sync-page";
import { adminApi, uniqueMachineId, uniqueName } from "./support";

let upstream: FlatcarUpstream;
// A version no other spec uses in the shared catalog.
const version = `${7000 + Math.floor(Math.random() * 2000)}.0.${Date.now() % 1000}`;

test.beforeAll(async () => {
  upstream = await startFlatcarUpstream({ alpha: { version, extensions: { "oem-qemu.gz": "qemu oem sysext" } } });
});
test.afterAll(async () => {
  await upstream?.close();
});

function attr(xml: string, tag: string, name: string): string {
  const m = new RegExp(`<${tag}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml);
  if (!m) throw new Error(`no ${tag}@${name} in ${xml}`);
  return m[1]!;
}

test("an operator syncs Flatcar from upstream, mirrors a payload and promotes it; a host downloads it from Flotilla with the hash verified", async ({ page, request }) => {
  const alpha = uniqueName("alpha");
  const beta = uniqueName("beta");
  const api = await adminApi();
  for (const id of [alpha, beta]) expect((await api.post("/api/v1/channels", { data: { id, osFamily: "flatcar", description: "" } })).status()).toBe(201);
  await api.dispose();

  await new LoginPage(page).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  const sync = new SyncPage(page);
  await sync.goto();
  await sync.addFlatcarSource({ channel: alpha, track: "alpha", omahaUrl: upstream.omahaUrl, enabled: true });
  // The background job picks up the enabled source; the page shows what it added.
  await expect(sync.result(`${alpha}-amd64`)).toContainText(`${version} added`, { timeout: 20_000 });
  expect(upstream.requests[0]).toContain('version="0.0.0" track="alpha"');

  const releases = new ReleasesPage(page);
  await releases.goto();
  const row = releases.row(version);
  await expect(row).toContainText(alpha);
  await expect(row).toContainText("extensions: oem-qemu.gz");
  await releases.mirror(version);
  await expect(row).toContainText(`/v1/payloads/flatcar/amd64/${version}/`);
  await releases.promote(version, beta, "a week on alpha without incident");
  await expect(row.getByRole("cell", { name: `${alpha}, ${beta}` })).toBeVisible();

  // Beta targets the promoted build.
  await page.getByRole("link", { name: "Groups & channels" }).click();
  const card = page.getByRole("listitem", { name: `Channel ${beta}` });
  await card.getByLabel("Target release").selectOption({ label: version });
  await card.getByRole("button", { name: "Set target" }).click();
  await expect(card).toContainText(`→ ${version}`);

  // A host on beta is offered the payload at Flotilla's URL, downloads it and checks it as update_engine does.
  const check = `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0" version="update_engine-0.4.10" updaterversion="update_engine-0.4.10" installsource="scheduler" ismachine="1">
  <os version="Chateau" platform="CoreOS" sp="4000.0.0_x86_64"></os>
  <app appid="{e96281a6-d1af-4bde-9a0a-97b76e56dc57}" version="4000.0.0" track="${beta}" machineid="${uniqueMachineId()}" board="amd64-usr"><ping active="1"></ping><updatecheck></updatecheck></app>
</request>`;
  const xml = await (await request.post("/v1/update/", { headers: { "content-type": "text/xml" }, data: check })).text();
  const codebase = attr(xml, "url", "codebase");
  expect(codebase).toMatch(new RegExp(`^http://localhost:\\d+/v1/payloads/flatcar/amd64/${version.replace(/\./g, "\\.")}/$`));
  const name = attr(xml, "package", "name");
  const download = await request.get(`${codebase}${name}`);
  expect(download.status()).toBe(200);
  const body = await download.body();
  expect(body.length).toBe(Number(attr(xml, "package", "size")));
  expect(createHash("sha1").update(body).digest("base64")).toBe(attr(xml, "package", "hash"));
  expect(createHash("sha256").update(body).digest("base64")).toBe(attr(xml, "action", "sha256"));
  // A resumed download (Range) gets the rest of the same bytes.
  const rest = await request.get(`${codebase}${name}`, { headers: { range: "bytes=4096-" } });
  expect(rest.status()).toBe(206);
  expect((await rest.body()).equals(body.subarray(4096))).toBe(true);
  // The extension package, at the same codebase, with its own hashes.
  const ext = await request.get(`${codebase}oem-qemu.gz`);
  expect(createHash("sha256").update(await ext.body()).digest("hex")).toBe(/<package name="oem-qemu.gz"[^>]*hash_sha256="([0-9a-f]+)"/.exec(xml)![1]);
  // Flotilla downloaded from upstream once per file, while mirroring.
  expect(upstream.downloads.map((d) => d.path)).toEqual([`/amd64-usr/${version}/flatcar_production_update.gz`, `/amd64-usr/${version}/oem-qemu.gz`]);
});
