import { expect, type Locator, type Page } from "@playwright/test";

/** Release sync: add a source and read its state. */
export class SyncPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.getByRole("link", { name: "Release sync" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Release sync" })).toBeVisible();
  }

  async addFlatcarSource(s: { channel: string; track: string; omahaUrl: string; enabled: boolean }) {
    const form = this.page.getByRole("form", { name: "New sync source" });
    await form.getByLabel("Upstream kind").selectOption("flatcar");
    await form.getByLabel("Channel").selectOption(s.channel);
    await form.getByLabel("Arch").selectOption("amd64");
    await form.getByLabel("Upstream track").fill(s.track);
    await form.getByLabel("Omaha server URL").fill(s.omahaUrl);
    if (s.enabled) await form.getByLabel("Enabled").check();
    await form.getByRole("button", { name: "Add sync source" }).click();
  }

  result(sourceId: string): Locator {
    return this.page.getByRole("cell", { name: `Last result of ${sourceId}` });
  }
}
