/** Upstreams Flotilla imports releases from. */
export const SYNC_KINDS = ["flatcar", "fcos"] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** One thing a sync run did: a release created, or an existing one added to the channel. */
export interface SyncAdded {
  version: string;
  arch: string;
  action: "created" | "added_to_channel" | "mirrored" | "updated_flags";
}
