import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createChannel, createGroup, listGroups } from "@/db/queries/groups";
import { fleetOverview, listHosts, type HostRow } from "@/db/queries/hosts";
import { ingestReports } from "@/db/queries/ingest";
import { HostQuerySchema, hostQueryInput } from "@/lib/fleet/host-query";
import { bulkPinHosts, listPins } from "@/db/queries/pins";
import { seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { report } from "../helpers/reports";
import { applied } from "../helpers/applied";

const GROUPS = ["edge-berlin", "edge-munich", "workers"] as const;
const VERSIONS = ["3975.2.2", "4081.2.0"] as const;
const N = 240;

function hostId(i: number): string {
  return i.toString(16).padStart(32, "0");
}

const query = (qs: string) => HostQuerySchema.parse(hostQueryInput(new URLSearchParams(qs)));

/** Follows nextCursor until the end and returns every row seen. */
async function allPages(database: Database, qs: string): Promise<HostRow[]> {
  const out: HostRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: HostRow[]; nextCursor: string | null } = await listHosts(database.db, query(`${qs}&limit=17${cursor ? `&cursor=${cursor}` : ""}`));
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe.each(testDatabases())("host list and overview on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  const base = Date.now() - 3600_000;

  beforeAll(async () => {
    database = await target.open();
    await ingestReports(
      database.db,
      Array.from({ length: N }, (_, i) =>
        report({
          hostId: hostId(i),
          hostname: `${GROUPS[i % 3]}-${String(i).padStart(3, "0")}`,
          receivedAt: new Date(i < 10 ? base - 2 * 86_400_000 - i : base + (i % 50) * 1000), // ties on purpose
          groupId: GROUPS[i % 3]!,
          // As the agent endpoints resolve it: edge-berlin follows channel stable.
          channelId: i % 3 === 0 ? "stable" : null,
          osVersion: VERSIONS[i % 2]!,
          osFamily: i % 5 === 0 ? "fcos" : "flatcar",
          updateState: i % 7 === 0 ? "error" : "idle",
          errorCode: i % 7 === 0 ? "44" : null,
          labels: { site: i % 3 === 0 ? "berlin" : "munich", rack: `r${i % 4}` },
        }),
      ),
    );
    await createChannel(database.db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
    await createGroup(database.db, SYSTEM_ACTOR, { id: "edge-berlin", description: "", channelId: "stable" });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it.each(["sort=lastSeen", "sort=lastSeen&dir=asc", "sort=hostname", "sort=hostname&dir=desc", "sort=version", "sort=state&dir=desc"])(
    "keyset pagination (%s) visits every host exactly once, in order",
    async (qs) => {
      const rows = await allPages(database, qs);
      expect(rows).toHaveLength(N);
      expect(new Set(rows.map((r) => r.id)).size).toBe(N);
      const q = query(qs);
      const key = (r: HostRow) => (q.sort === "lastSeen" ? r.lastSeenStep.toISOString() : q.sort === "hostname" ? r.hostname : q.sort === "version" ? r.osVersion : r.updateState);
      const dir = q.dir ?? (q.sort === "lastSeen" ? "desc" : "asc");
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1]!, rows[i]!];
        const cmp = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1;
        expect(dir === "asc" ? cmp : -cmp).toBe(-1);
      }
    },
  );

  it("filters by group, version, state, os, label, channel, stale and free text", async () => {
    const count = async (qs: string) => (await allPages(database, qs)).length;
    expect(await count("group=workers")).toBe(N / 3);
    expect(await count("version=4081.2.0")).toBe(N / 2);
    expect(await count("state=error")).toBe(Math.ceil(N / 7));
    expect(await count("os=fcos")).toBe(N / 5);
    expect(await count("label=site=berlin")).toBe(N / 3);
    expect(await count("label=site=berlin&label=rack=r0")).toBe(N / 12);
    expect(await count("channel=stable")).toBe(N / 3);
    expect(await count("stale=true")).toBe(10);
    expect(await count("q=munich-00")).toBe((await allPages(database, "q=munich-00")).filter((h) => h.hostname.includes("munich-00")).length);
    expect((await allPages(database, "q=munich-004")).map((h) => h.hostname)).toEqual(["edge-munich-004"]);
    expect(await count(`q=${hostId(200).slice(-6)}`)).toBe(1);
    // LIKE wildcards are literal: nothing has an underscore.
    expect(await count("q=_")).toBe(0);
    expect(await count("group=workers&version=3975.2.2&state=idle")).toBe(
      (await allPages(database, "group=workers")).filter((h) => h.osVersion === "3975.2.2" && h.updateState === "idle").length,
    );
  });

  it("rejects a forged cursor with a 400", async () => {
    await expect(listHosts(database.db, query("cursor=not-a-cursor"))).rejects.toMatchObject({ code: "bad_request" });
  });

  it("counts the fleet for the overview", async () => {
    const o = await fleetOverview(database.db);
    expect(o.total).toBe(N);
    expect(o.inError).toBe(Math.ceil(N / 7));
    expect(o.stale).toBe(10);
    expect(o.byVersion).toEqual([
      { key: "3975.2.2", count: N / 2 },
      { key: "4081.2.0", count: N / 2 },
    ]);
    expect(o.byOs).toEqual([
      { key: "flatcar", count: (N * 4) / 5 },
      { key: "fcos", count: N / 5 },
    ]);
    expect(o.byGroup.find((g) => g.key === "edge-berlin")).toEqual({ key: "edge-berlin", channel: "stable", count: N / 3 });
    expect(o.byChannel).toContainEqual({ key: "stable", count: N / 3 });
    expect(o.byChannel).toContainEqual({ key: "(no channel)", count: (2 * N) / 3 });
    expect(o.errorHosts).toHaveLength(10);
    expect(o.staleHosts).toHaveLength(10);
  });

  it("lists defined groups with host counts and names hosts asked for that are not defined", async () => {
    const g = await listGroups(database.db);
    expect(g.groups).toEqual([expect.objectContaining({ id: "edge-berlin", channelId: "stable", hosts: N / 3 })]);
    expect(g.undefinedGroups).toEqual([
      { id: "edge-munich", hosts: N / 3 },
      { id: "workers", hosts: N / 3 },
    ]);
  });
});

describe.each(testDatabases())("bulk pin by filter on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
    await seedFlatcarStable(database.db);
    await ingestReports(database.db, Array.from({ length: 30 }, (_, i) => report({ hostId: hostId(i), groupId: i < 12 ? "edge-berlin" : "workers", osVersion: "3975.2.2" })));
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("previews the count, then pins exactly the matching hosts in one go", async () => {
    const input = { version: "3975.2.2", reason: "hold berlin over the holidays", owner: "ops@example.com", expiresAt: null };
    expect(await bulkPinHosts(database.db, SYSTEM_ACTOR, query("group=edge-berlin"), input, true)).toMatchObject({ matched: 12, pinned: 0 });
    expect(await listPins(database.db)).toHaveLength(0);
    expect(await bulkPinHosts(database.db, SYSTEM_ACTOR, query("group=edge-berlin"), input, false)).toMatchObject({ matched: 12, pinned: 12 });
    const pins = await listPins(database.db);
    expect(pins).toHaveLength(12);
    expect(pins.every((p) => p.pin.scope === "host" && p.pin.version === "3975.2.2" && p.notConverged === 0)).toBe(true);
    // Again: the same hosts are re-pinned, not duplicated.
    expect(applied(await bulkPinHosts(database.db, SYSTEM_ACTOR, query("group=edge-berlin"), { ...input, version: "4081.2.0" }, false)).pinned).toBe(12);
    expect((await listPins(database.db)).filter((p) => p.notConverged === 1)).toHaveLength(12);
    await expect(bulkPinHosts(database.db, SYSTEM_ACTOR, query("group=workers"), { ...input, version: "9.9.9" }, false)).rejects.toMatchObject({ code: "bad_request" });
  });
});
