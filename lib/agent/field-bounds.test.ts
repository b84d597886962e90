import { describe, expect, it } from "vitest";
import { agentText, bounded, overBound } from "./field-bounds";

describe("agent field bounds", () => {
  it("cuts descriptive fields and refuses identifying ones past their bound", () => {
    expect(bounded("agentVersion", "x".repeat(100))).toHaveLength(64);
    expect(bounded("agentVersion", null)).toBeNull();
    expect(overBound("arch", "x".repeat(33))).toBe(true);
    expect(overBound("arch", "amd64-usr")).toBe(false);
    // A descriptive field is never "over": it is cut instead.
    expect(overBound("hostname", "x".repeat(1000))).toBe(false);
    expect(agentText("hostname").parse("h".repeat(300))).toHaveLength(253);
    expect(agentText("version").safeParse("1".repeat(65)).success).toBe(false);
  });
});
