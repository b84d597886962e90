import { expect, type Locator, type Page } from "@playwright/test";

/** The release catalog: rows per release, with promote and mirror. */
export class ReleasesPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.getByRole("link", { name: "Releases", exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  }

  row(version: string): Locator {
    return this.page.getByRole("region", { name: "Releases" }).getByRole("row").filter({ hasText: version });
  }

  async mirror(version: string) {
    await this.row(version).getByRole("button", { name: `Mirror ${version} amd64` }).click();
  }

  async promote(version: string, channel: string, reason: string) {
    const row = this.row(version);
    await row.getByRole("button", { name: `Promote ${version} amd64` }).click();
    await row.getByLabel(`Promote ${version} amd64 to channel`).selectOption(channel);
    await row.getByLabel(`Promotion reason for ${version} amd64`).fill(reason);
    await row.getByRole("button", { name: `Promote to ${channel}` }).click();
  }
}
