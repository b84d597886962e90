// What every rule needs: the spec being validated against, the version-gated
// behaviours, and the report to add to.

import type { Report } from "./report";
import type { SpecVersion } from "./spec";
import type { UrlRules } from "./url";

export interface Features {
  /** sha256 verification, Resource everywhere (merge/CA need a source), proxy, httpHeaders (3.1). */
  readonly v31: boolean;
  /** Link target required, raid level optional, format "none", clevis custom pointers (3.3). */
  readonly v33: boolean;
  /** Rules upstream added after Ignition 2.14 that only newer specs get here. */
  readonly v34: boolean;
  /** cex (3.5); clevis custom pins are no longer restricted to a known list. */
  readonly v35: boolean;
  /** setuid/setgid/sticky mode bits are honoured from 3.6 (a warning before). */
  readonly specialModeBits: boolean;
  readonly url: UrlRules;
}

export function featuresOf(spec: SpecVersion): Features {
  const m = spec.minor;
  return {
    v31: m >= 1,
    v33: m >= 3,
    v34: m >= 4,
    v35: m >= 5,
    specialModeBits: m >= 6,
    url: { gs: m >= 2, arn: m >= 4 }, // gs:// from 3.2, S3 ARNs from 3.4
  };
}

export interface RuleContext {
  readonly spec: SpecVersion;
  readonly features: Features;
  readonly report: Report;
}
