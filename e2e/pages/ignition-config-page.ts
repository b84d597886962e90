import { expect, type Locator, type Page } from "@playwright/test";

/** One Ignition config's page: editor notes, versions, and the assignments that serve it. */
export class IgnitionConfigPage {
  readonly assignments: Locator;

  constructor(private readonly page: Page) {
    this.assignments = page.getByRole("region", { name: "Assignments" });
  }

  async goto(name: string) {
    await this.page.goto(`/configs/${encodeURIComponent(name)}`);
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
  }

  note(name: "Holds secrets" | "Uses variables"): Locator {
    return this.page.getByRole("note", { name });
  }

  async assign(a: { name: string; selectors: string; variables?: string }) {
    const form = this.page.getByRole("form", { name: "New assignment" });
    await form.getByLabel("Assignment name").fill(a.name);
    await form.getByLabel("Selectors (key=value, …)").fill(a.selectors);
    if (a.variables) await form.getByLabel("Variables (key=value, …)").fill(a.variables);
    await form.getByRole("button", { name: "Assign" }).click();
  }

  /** The merge URL and `verification.hash` the page shows for an assignment. */
  async served(assignment: string): Promise<{ mergeUrl: string; hash: string; bootUrl: string }> {
    const item = this.assignments.getByTestId(`assignment-${assignment}`);
    const merge = item.getByLabel("merge URL");
    await expect(merge).toBeVisible();
    return {
      mergeUrl: (await merge.textContent()) ?? "",
      bootUrl: (await item.getByLabel("boot URL").textContent()) ?? "",
      hash: (await item.getByLabel("hash").textContent())?.trim() ?? "",
    };
  }
}
