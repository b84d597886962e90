import type { Locator, Page } from "@playwright/test";

/** A host's page: the last update check and the pin or rollback on it. */
export class HostDetailPage {
  /** The pin or rollback on an FCOS host: who, why, and the command to run there. */
  readonly guidance: Locator;
  readonly owner: Locator;
  readonly reason: Locator;
  readonly manualStep: Locator;
  /** "Last update check: held: …" */
  readonly holdReason: Locator;
  readonly previousVersion: Locator;

  constructor(private readonly page: Page) {
    this.guidance = page.getByRole("region", { name: "Pin or rollback" });
    this.owner = this.guidance.getByTestId("fcos-guidance-owner");
    this.reason = this.guidance.getByTestId("fcos-guidance-reason");
    this.manualStep = this.guidance.getByTestId("fcos-manual-step");
    this.holdReason = page.getByTestId("hold-reason");
    this.previousVersion = page.getByRole("term").filter({ hasText: "Previous version" }).locator("xpath=following-sibling::dd[1]");
  }

  async goto(hostId: string) {
    await this.page.goto(`/hosts/${hostId}`);
  }
}
