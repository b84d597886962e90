import { expect, type Locator, type Page } from "@playwright/test";

/** One rollout's progress page: summary, what holds it, timeline. */
export class RolloutPage {
  readonly summary: Locator;
  readonly blockers: Locator;
  readonly timeline: Locator;

  constructor(private readonly page: Page) {
    this.summary = page.getByRole("region", { name: "Rollout summary" });
    this.blockers = page.getByRole("region", { name: "What holds this rollout" });
    this.timeline = page.getByRole("region", { name: "Rollout timeline" });
  }

  async open(group: string, version: string) {
    await this.page.goto("/rollouts");
    await this.page.getByRole("link", { name: `${group} → ${version}` }).first().click();
    await expect(this.page.getByRole("heading", { level: 1, name: `Rollout of ${version} to ${group}` })).toBeVisible();
  }

  blocker(label: string): Locator {
    return this.blockers.getByRole("listitem", { name: label });
  }

  /**
   * The console's time convention: a time is shown in the viewer's zone (named) and its UTC
   * instant is on hover. Checks every time element inside `scope`.
   */
  async expectViewerZoneWithUtcOnHover(scope: Locator, zoneName: RegExp) {
    const times = scope.locator("time");
    await expect(times.first()).toBeVisible();
    for (const t of await times.all()) {
      await expect(t).toHaveAttribute("title", /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      await expect(t).toHaveAttribute("datetime", /\d{4}-\d\d-\d\dT/);
      const text = (await t.textContent()) ?? "";
      // Absolute times name the viewer's zone; relative ones ("3 min ago") carry it on hover.
      if (!/ago$/.test(text)) expect(text).toMatch(zoneName);
      expect(text).not.toContain("UTC");
    }
  }
}
