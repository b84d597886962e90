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
    expect(voteRefusal(req, [], "bob", "session")).toBeNull();
    expect(voteRefusal(req, [], "alice", "session")).toBe("own_request");
    expect(voteRefusal(req, [{ userId: "bob", decision: "approve" }], "bob", "session")).toBe("already_voted");
    expect(voteRefusal({ ...req, status: "approved" }, [], "bob", "session")).toBe("not_pending");
    expect(voteRefusal({ ...req, plan: { ...plan, version: 4 } }, [], "bob", "session")).toBe("plan_changed");
    // A vote is a person's act in their own session: never an API token (an admin can mint one for anyone).
    expect(voteRefusal(req, [], "bob", "api_token")).toBe("not_interactive");
  });

  it("need N approvals; one rejection rejects", () => {
    expect(outcome([{ userId: "b", decision: "approve" }], 2)).toBe("pending");
    expect(outcome([{ userId: "b", decision: "approve" }, { userId: "c", decision: "approve" }], 2)).toBe("approved");
    expect(outcome([{ userId: "b", decision: "approve" }, { userId: "c", decision: "reject" }], 1)).toBe("rejected");
  });
});
