import { describe, expect, it } from "vitest";
import { NewHostBudget } from "./new-host-budget";

describe("NewHostBudget", () => {
  it("admits at most the cap of new hosts per minute, a host once per window", () => {
    let now = 0;
    const b = new NewHostBudget(2, () => now);
    expect([b.take("a"), b.take("b"), b.take("c"), b.take("a")]).toEqual([true, true, false, true]);
    now = 59_999;
    expect(b.take("c")).toBe(false);
    now = 60_000;
    expect([b.take("c"), b.take("d"), b.take("e")]).toEqual([true, true, false]);
  });

  it("0 admits nobody", () => {
    expect(new NewHostBudget(0).take("a")).toBe(false);
  });
});
