import type { Locator, Page } from "@playwright/test";

/** The pins page and its "New pin" form. */
export class PinsPage {
  readonly form: Locator;

  constructor(private readonly page: Page) {
    this.form = page.getByRole("form", { name: "New pin" });
  }

  async goto() {
    await this.page.goto("/pins");
  }

  async pinGroup(group: string, version: string, reason: string) {
    await this.form.getByLabel("Scope").selectOption("group");
    await this.form.getByLabel("Group or machine id").fill(group);
    await this.form.getByLabel("Pin to version").fill(version);
    await this.form.getByLabel("Reason").fill(reason);
    await this.form.getByRole("button", { name: "Pin", exact: true }).click();
  }
}
