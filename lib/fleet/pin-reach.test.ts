import { describe, expect, it } from "vitest";
import { pinReach, pinRefusal, pinWarnings } from "./pin-reach";

describe("pin reach", () => {
  const counts = [
    { osFamily: "flatcar", osVersion: "3975.2.2", n: 10 },
    { osFamily: "flatcar", osVersion: "4081.2.0", n: 5 },
    { osFamily: "flatcar", osVersion: "4152.2.2", n: 96 },
    { osFamily: "fcos", osVersion: "40.20240504.3.0", n: 3 },
  ];

  it("counts only hosts that will move: hosts newer than an ordinary pin stay, other families never apply", () => {
    const r = pinReach({ version: "4081.2.0", allowDowngrade: false }, ["flatcar"], counts);
    expect(r).toMatchObject({ hosts: 114, willMove: 10 });
    expect(r.byFamily.flatcar).toEqual({ hosts: 111, willMove: 10, atVersion: 5, newer: 96, cannotApply: 0 });
    expect(r.byFamily.fcos).toEqual({ hosts: 3, willMove: 0, atVersion: 0, newer: 0, cannotApply: 3 });
    expect(pinRefusal("4081.2.0", r, "flatcar")).toBeNull();
    expect(pinWarnings("4081.2.0", r)).toEqual([
      "96 hosts on flatcar already run a version newer than 4081.2.0: a pin never downgrades (use a rollback)",
      "3 hosts on fcos have no 4081.2.0 release: the pin never applies to them",
    ]);
  });

  it("a rollback moves newer hosts too", () => {
    expect(pinReach({ version: "4081.2.0", allowDowngrade: true }, ["flatcar"], counts).willMove).toBe(106);
  });

  it("compares versions as versions, not text", () => {
    const r = pinReach({ version: "10.0.0", allowDowngrade: false }, ["flatcar"], [{ osFamily: "flatcar", osVersion: "9.9.9", n: 1 }]);
    expect(r.willMove).toBe(1);
  });

  it("refuses a pin that can never apply: an FCOS version on Flatcar hosts, or on an empty group of a Flatcar channel", () => {
    const r = pinReach({ version: "40.20240504.3.0", allowDowngrade: false }, ["fcos"], [{ osFamily: "flatcar", osVersion: "3975.2.2", n: 4 }]);
    expect(pinRefusal("40.20240504.3.0", r, "flatcar")).toBe("40.20240504.3.0 is a fcos release and can never apply to the hosts this pin reaches (4 hosts on flatcar)");
    const empty = pinReach({ version: "40.20240504.3.0", allowDowngrade: false }, ["fcos"], []);
    expect(pinRefusal("40.20240504.3.0", empty, "flatcar")).toMatch(/follows a flatcar channel/);
    expect(pinRefusal("40.20240504.3.0", empty, null)).toBeNull();
    expect(pinWarnings("40.20240504.3.0", empty)).toEqual(["the pin reaches no host now; it applies to hosts that join later"]);
  });
});
