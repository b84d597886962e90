import { describe, expect, it } from "vitest";
import { malformedPath } from "./http-util";

describe("paths refused before Next routes them", () => {
  it.each(["/api/v1/hosts/%zz", "/api/v1/hosts/%", "/api/v1/hosts/%E0%A4%A", "/api/v1/hosts/%ED%A0%80", "/api/v1/hosts/%C0%AF/history"])("malformed encoding: %s", (p) => {
    expect(malformedPath(p)).toMatch(/percent-encoding/);
  });
  it.each(["/api/v1/hosts/..", "/api/v1/hosts/%2e%2e/history", "/api/v1/./hosts", "/x/%2E"])("dot segments: %s", (p) => {
    expect(malformedPath(p)).toMatch(/dot segments/);
  });
  it.each(["/", "/hosts", "/api/v1/hosts/abc%20def", "/api/v1/ignition/configs/a.b/versions/1", "/api/v1/hosts/..%2F..%2Fetc", "/%F0%9F%92%A5"])("accepts %s", (p) => {
    expect(malformedPath(p)).toBeNull();
  });
});
