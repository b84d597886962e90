import { describe, expect, it } from "vitest";
import { isPullspecError, parsePullspec } from "./oci";

const HEX = "c4a15145a232d882ccf2ed32d22c06c01a7cf62317eb966a98340ae4bd56dfa6";
// zincati src/rpm_ostree/cli_status.rs:121-123: the booted image as Zincati reports it.
const BOOTED = `quay.io/fedora/fedora-coreos@sha256:${HEX}`;

const whole = (s: string) => {
  const p = parsePullspec(s);
  return isPullspecError(p) ? p.error : p.whole;
};

describe("OCI pullspecs as Zincati (oci-spec Reference) reads them", () => {
  it("keeps the form Zincati sends and compares byte for byte", () => {
    expect(parsePullspec(BOOTED)).toEqual({ registry: "quay.io", repository: "fedora/fedora-coreos", digest: `sha256:${HEX}`, whole: BOOTED });
  });

  it("canonicalizes like oci-spec's whole(): Docker Hub defaults, tag dropped (clone_with_digest, cli_status.rs:131)", () => {
    // oci-spec-rs src/distribution/reference.rs split_domain and its parse tests.
    expect(whole(`busybox@sha256:${HEX}`)).toBe(`docker.io/library/busybox@sha256:${HEX}`);
    expect(whole(`index.docker.io/fedora/coreos@sha256:${HEX}`)).toBe(`docker.io/fedora/coreos@sha256:${HEX}`);
    expect(whole(`test:5000/repo@sha256:${HEX}`)).toBe(`test:5000/repo@sha256:${HEX}`);
    expect(whole(`localhost/fcos@sha256:${HEX}`)).toBe(`localhost/fcos@sha256:${HEX}`);
    expect(whole(`quay.io/fedora/fedora-coreos:stable@sha256:${HEX}`)).toBe(BOOTED);
  });

  it("refuses what Zincati's parser refuses (the whole graph would fail: rpm_ostree/mod.rs:95)", () => {
    expect(whole("")).toMatch(/empty/);
    expect(whole("quay.io/fedora/fedora-coreos:stable")).toMatch(/digest/);
    expect(whole(`quay.io/Fedora/fedora-coreos@sha256:${HEX}`)).toMatch(/not an OCI image reference/);
    expect(whole("quay.io/fedora/fedora-coreos@sha256:ffff")).toMatch(/not an OCI image reference/);
    expect(whole(`quay.io/fedora/fedora-coreos@sha256:${HEX}ff`)).toMatch(/64 hex/);
    expect(whole(`quay.io/fedora/fedora-coreos@md5:${HEX}`)).toMatch(/unsupported digest algorithm md5/);
    expect(whole(`${"a".repeat(600)}@sha256:${HEX}`)).toMatch(/longer than/);
    expect(whole(`quay.io/fedora/fedora-coreos@sha256:${HEX} `)).toMatch(/not an OCI image reference/);
  });

  it("accepts sha512 digests of the right length", () => {
    expect(whole(`quay.io/x/y@sha512:${"f".repeat(128)}`)).toBe(`quay.io/x/y@sha512:${"f".repeat(128)}`);
    expect(whole(`quay.io/x/y@sha512:${"f".repeat(64)}`)).toMatch(/128 hex/);
  });

  it("takes linear time on hostile input (oci-spec's regex backtracks exponentially in JavaScript)", () => {
    const hostile = ["a".repeat(500) + "!", `quay.io/${"a-".repeat(240)}!`, `quay.io/${"a".repeat(480)}@`, `${"a.".repeat(200)}a:1/x@sha256:${HEX}!`];
    for (const s of hostile) {
      const t = performance.now();
      expect(isPullspecError(parsePullspec(s))).toBe(true);
      expect(performance.now() - t).toBeLessThan(50);
    }
  });
});
