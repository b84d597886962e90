import { describe, expect, it } from "vitest";
import { outcome, planHash, voteRefusal } from "./plan";

const plan = { configId: "edge", version: 3, sha512: "ab", groups: ["berlin"] };

describe("approvals", () => {
  it("bind to the exact plan", () => {
    expect(planHash(plan)).toBe(planHash({ groups: ["berlin"], sha512: "ab", version: 3, configId: "edge" }));
    expect(planHash(plan)).not.toBe(planHash({ ...plan, version: 4 }));
  });

  it("refuse the requester, a second vote, a closed request and an altered plan", () => {
    const req = { status: "pending", requestedBy: "alice", plan, planHash: planHash(plan) };
    expect(voteRefusal(req, [], "bob")).toBeNull();
    expect(voteRefusal(req, [], "alice")).toBe("own_request");
    expect(voteRefusal(req, [{ userId: "bob", decision: "approve" }], "bob")).toBe("already_voted");
    expect(voteRefusal({ ...req, status: "approved" }, [], "bob")).toBe("not_pending");
    expect(voteRefusal({ ...req, plan: { ...plan, version: 4 } }, [], "bob")).toBe("plan_changed");
  });

  it("need N approvals; one rejection rejects", () => {
    expect(outcome([{ userId: "b", decision: "approve" }], 2)).toBe("pending");
    expect(outcome([{ userId: "b", decision: "approve" }, { userId: "c", decision: "approve" }], 2)).toBe("approved");
    expect(outcome([{ userId: "b", decision: "approve" }, { userId: "c", decision: "reject" }], 1)).toBe("rejected");
  });
});
