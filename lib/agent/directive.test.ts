import { describe, expect, it } from "vitest";
import { release } from "../update/test-fixtures";
import { directiveFor } from "./directive";

describe("native agent directives", () => {
  const r = release({ version: "3975.2.2" });
  it("a hold tells the agent why nothing happens", () => {
    expect(directiveFor({ kind: "hold", reason: "paused", detail: "channel stable paused: bad kernel" }, { slot: "A", previousVersion: null })).toEqual({ type: "none", reason: "channel stable paused: bad kernel" });
  });
  it("an offer is an update with the payload", () => {
    expect(directiveFor({ kind: "offer", release: r, pinned: false, rollback: false }, { slot: "A", previousVersion: "3815.2.0" })).toMatchObject({ type: "update", version: "3975.2.2", payloadUrl: r.payloadUrl, sha256Base64: r.sha256Base64 });
  });
  it("a rollback to what the other slot holds switches slots; otherwise it downloads the older payload", () => {
    expect(directiveFor({ kind: "offer", release: r, pinned: true, rollback: true }, { slot: "B", previousVersion: "3975.2.2" })).toEqual({ type: "rollback", toVersion: "3975.2.2", toSlot: "A" });
    expect(directiveFor({ kind: "offer", release: r, pinned: true, rollback: true }, { slot: "B", previousVersion: "3900.0.0" })).toMatchObject({ type: "update", version: "3975.2.2" });
  });
});
