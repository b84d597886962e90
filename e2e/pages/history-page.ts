import { expect, type Download, type Locator, type Page } from "@playwright/test";

export class HistoryPage {
  readonly table: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole("table", { name: "History events" });
  }

  async goto(query = "") {
    await this.page.goto(`/history${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Update history" })).toBeVisible();
  }

  rows(hostname: string): Locator {
    return this.table.getByRole("row").filter({ has: this.page.getByRole("link", { name: hostname, exact: true }) });
  }

  async filter(fields: Partial<Record<"Group" | "Version" | "Channel" | "Host (machine id)", string>>, selects: Partial<Record<"Event" | "State" | "Protocol", string>> = {}) {
    const form = this.page.getByRole("search", { name: "Filter history" });
    for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
    for (const [label, value] of Object.entries(selects)) await form.getByLabel(label, { exact: true }).selectOption(value);
    await form.getByRole("button", { name: "Apply" }).click();
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("link", { name: "Export CSV" }).click();
    return download;
  }
}
