/**
 * How many hosts nobody has seen before the open agent protocols (Omaha, the Cincinnati graph)
 * may enroll per minute, in one process. Anyone who can reach those endpoints can invent machine
 * ids; the budget bounds how fast they can add rows (ARCHITECTURE.md "Trust model"). A fixed
 * one-minute window: simple, and a burst at the edge of two windows is at most twice the cap.
 */
export class NewHostBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  // A new host asks again before its first report is stored (events right after a check, a
  // retry): within the window it was admitted in, it does not take the budget twice.
  private readonly admitted = new Set<string>();

  constructor(
    /** 0 admits no new host through the open protocols at all. */
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `hostId` may enroll now (and takes one from the budget if it was not yet admitted). */
  take(hostId: string): boolean {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      this.windowStart = t;
      this.used = 0;
      this.admitted.clear();
    }
    if (this.admitted.has(hostId)) return true;
    if (this.used >= this.perMinute) return false;
    this.used++;
    this.admitted.add(hostId);
    return true;
  }
}
