import fs from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { requestApproval } from "@/db/queries/approvals";
import { createGroup } from "@/db/queries/groups";
import { ingestReports } from "@/db/queries/ingest";
import { setChannelPaused } from "@/db/queries/releases";
import { createRollout } from "@/db/queries/rollouts";
import { createWebhook } from "@/db/queries/webhooks";
import { webhookDeliveries } from "@/db/schema/webhooks";
import { seedFlatcarStable } from "../helpers/catalog";
import { randomMachineId, testDatabases } from "../helpers/databases";
import { report } from "../helpers/reports";
import { useTestServer } from "../helpers/server";

/** `name{labels} value` lines of one metric, as a Prometheus scrape reads them. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const m = /^[a-z_]+(?:\{(.*)\})? (\S+)$/.exec(l)!;
      const labels = Object.fromEntries([...(m[1] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { labels, value: Number(m[2]) };
    });
}

describe.each(testDatabases())("fleet metrics on $name", (target) => {
  const t = useTestServer(target, {
    env: { FLOTILLA_WEBHOOK_TICK_SECONDS: "0", FLOTILLA_ROLLOUT_TICK_SECONDS: "0" },
    seed: async (db) => {
      await seedFlatcarStable(db);
      await createGroup(db, SYSTEM_ACTOR, { id: "workers", description: "", channelId: "stable" });
    },
  });

  it("exposes hosts by version, group and state, hosts behind the target, live rollouts, approvals and stuck webhooks", async () => {
    const db = t.database.db;
    await ingestReports(db, [
      report({ hostId: randomMachineId(), groupId: "workers", channelId: "stable", osVersion: "3975.2.2" }),
      report({ hostId: randomMachineId(), groupId: "workers", channelId: "stable", osVersion: "3975.2.2", updateState: "downloading" }),
      report({ hostId: randomMachineId(), groupId: "workers", channelId: "stable", osVersion: "4081.2.0" }),
    ]);
    await createRollout(db, SYSTEM_ACTOR, { groupId: "workers", reason: "metrics test" });
    await db.transaction((tx) => requestApproval(tx, SYSTEM_ACTOR, { subjectType: "rollout", subjectId: "x", plan: { a: 1 }, approvalsRequired: 2, reason: "" }));
    const hook = await createWebhook(db, SYSTEM_ACTOR, { name: "pager", url: "http://127.0.0.1:9/", events: ["channel.paused"], format: "cloudevents" });
    await setChannelPaused(db, SYSTEM_ACTOR, "stable", true, "bad");
    await db.update(webhookDeliveries).set({ status: "failed" });

    const text = await (await fetch(`${t.server.url}/metrics`)).text();
    const hosts = samples(text, "flotilla_fleet_hosts").filter((s) => s.labels.group === "workers");
    expect(hosts.filter((s) => s.labels.version === "3975.2.2").reduce((a, s) => a + s.value, 0)).toBe(2);
    expect(hosts.find((s) => s.labels.state === "downloading")?.value).toBe(1);
    expect(samples(text, "flotilla_channel_paused").find((s) => s.labels.channel === "stable")?.value).toBe(1);
    const behind = samples(text, "flotilla_channel_hosts_behind_target").find((s) => s.labels.channel === "stable");
    expect(behind?.labels.target).toBe("4081.2.0");
    // Hosts of a group on the channel, not on 4081.2.0.
    expect(behind?.value).toBe(2);
    expect(behind?.value).toBe(hosts.filter((s) => s.labels.channel === "stable" && s.labels.version !== "4081.2.0").reduce((a, s) => a + s.value, 0));
    const status = samples(text, "flotilla_rollout_status").filter((s) => s.labels.group === "workers");
    expect(status).toHaveLength(1);
    expect(status[0]!.labels.version).toBe("4081.2.0");
    expect(samples(text, "flotilla_rollout_failure_rate").find((s) => s.labels.group === "workers")?.value).toBe(0);
    expect(samples(text, "flotilla_approvals_pending")[0]?.value).toBeGreaterThanOrEqual(1);
    expect(samples(text, "flotilla_webhook_deliveries").find((s) => s.labels.webhook === hook.webhook.name && s.labels.status === "failed")?.value).toBe(1);
  });

  it("serves every series the shipped alert rules and Grafana dashboard query", async () => {
    const text = await (await fetch(`${t.server.url}/metrics`)).text();
    const served = new Set([...text.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]!));
    const rules = YAML.parse(fs.readFileSync("docs/prometheus-alerts.yml", "utf8")) as { groups: Array<{ rules: Array<{ expr: string }> }> };
    const dashboard = fs.readFileSync("docs/grafana-dashboard.json", "utf8");
    const queried = new Set<string>();
    for (const expr of [...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)), dashboard]) {
      for (const m of expr.matchAll(/\bflotilla_[a-z_]+/g)) queried.add(m[0].replace(/_(bucket|sum|count)$/, ""));
    }
    expect(queried.size).toBeGreaterThan(8);
    expect([...queried].filter((name) => !served.has(name))).toEqual([]);
  });
});
