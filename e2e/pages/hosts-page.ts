import { expect, type Locator, type Page } from "@playwright/test";

export class HostsPage {
  readonly table: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole("table");
  }

  async goto(query = "") {
    await this.page.goto(`/hosts${query}`);
  }

  row(hostname: string): Locator {
    return this.table.getByRole("row").filter({ has: this.page.getByRole("link", { name: hostname, exact: true }) });
  }

  async filter(fields: Partial<Record<"Search" | "Group" | "Version" | "Label" | "Channel", string>>) {
    const form = this.page.getByRole("search", { name: "Filter hosts" });
    for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
    await form.getByRole("button", { name: "Apply" }).click();
  }

  async open(hostname: string) {
    await this.page.getByRole("link", { name: hostname, exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: hostname })).toBeVisible();
  }
}
