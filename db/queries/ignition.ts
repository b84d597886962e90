import { and, asc, desc, eq, sql } from "drizzle-orm";
import { createTwoFilesPatch } from "diff";
import type { Db } from "../client";
import { ignitionAssignments, ignitionConfigs, ignitionConfigVersions, ignitionFetches } from "../schema/ignition";
import { requestApproval, type Applier } from "./approvals";
import { gateChange, ignitionPublishReach, type GateHold } from "./change-gate";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { compileConfig, type Compiled, type ConfigFormat } from "@/lib/ignition/compile";
import { sha512Hex } from "@/lib/ignition/hash";
import { redactIgnitionText } from "@/lib/ignition/redact";

export type ConfigVersionRow = typeof ignitionConfigVersions.$inferSelect;

export async function listConfigs(db: Db) {
  return db.select().from(ignitionConfigs).orderBy(asc(ignitionConfigs.id));
}

export async function getConfig(db: Db, id: string) {
  const [config] = await db.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, id));
  if (!config) return null;
  const versions = await db
    .select({
      version: ignitionConfigVersions.version,
      format: ignitionConfigVersions.format,
      specVersion: ignitionConfigVersions.specVersion,
      sha512: ignitionConfigVersions.sha512,
      draft: ignitionConfigVersions.draft,
      authorEmail: ignitionConfigVersions.authorEmail,
      message: ignitionConfigVersions.message,
      restoredFrom: ignitionConfigVersions.restoredFrom,
      createdAt: ignitionConfigVersions.createdAt,
    })
    .from(ignitionConfigVersions)
    .where(eq(ignitionConfigVersions.configId, id))
    .orderBy(desc(ignitionConfigVersions.version));
  const assignments = await db.select().from(ignitionAssignments).where(eq(ignitionAssignments.configId, id)).orderBy(asc(ignitionAssignments.name));
  return { ...config, versions, assignments };
}

export async function getConfigVersion(db: Db, id: string, version: number): Promise<ConfigVersionRow | null> {
  const [row] = await db
    .select()
    .from(ignitionConfigVersions)
    .where(and(eq(ignitionConfigVersions.configId, id), eq(ignitionConfigVersions.version, version)));
  return row ?? null;
}

export interface SaveInput {
  format: ConfigFormat;
  source: string;
  message: string;
  /** Keep a config that does not validate yet; drafts are never served. */
  draft: boolean;
  restoredFrom?: number;
}

export class InvalidConfigError extends AppError {
  constructor(readonly compiled: Compiled) {
    const first = compiled.errors[0];
    super("bad_request", `config does not validate${first ? `: ${first.path}, line ${first.line} col ${first.column}: ${first.message}` : ""}`, compiled.errors.map((e) => ({ path: e.path, message: `line ${e.line} col ${e.column}: ${e.message}` })));
  }
}

/** The audit trail of a config change: the diff of the redacted Ignition, never secrets. */
function auditDiff(name: string, before: string | null, after: string | null): string {
  return createTwoFilesPatch(`${name} (before)`, `${name} (after)`, before ? redactIgnitionText(before) : "", after ? redactIgnitionText(after) : "", "", "", { context: 2 });
}

/**
 * Saves a new immutable version (creating the config on first save). A config that does not
 * validate is refused unless saved as an explicit draft.
 */
export async function saveConfigVersion(db: Db, actor: Actor, id: string, input: SaveInput, description?: string): Promise<ConfigVersionRow> {
  const compiled = compileConfig(input.format, input.source);
  if (!compiled.valid && !input.draft) throw new InvalidConfigError(compiled);
  const rendered = compiled.valid ? compiled.rendered : null;
  return db.transaction(async (tx) => {
    await tx.insert(ignitionConfigs).values({ id, description: description ?? "" }).onConflictDoNothing();
    const [config] = await tx.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, id)).for("update");
    const version = config!.latestVersion + 1;
    const previous = config!.latestVersion > 0 ? await getConfigVersion(tx, id, config!.latestVersion) : null;
    const [row] = await tx
      .insert(ignitionConfigVersions)
      .values({
        configId: id,
        version,
        format: input.format,
        source: input.source,
        rendered,
        specVersion: compiled.specVersion,
        sha512: rendered ? sha512Hex(rendered) : null,
        draft: input.draft || !compiled.valid,
        authorId: actor.userId,
        authorEmail: actor.email,
        message: input.message,
        restoredFrom: input.restoredFrom ?? null,
      })
      .returning();
    await tx.update(ignitionConfigs).set({ latestVersion: version, updatedAt: new Date(), ...(description !== undefined && version === 1 ? { description } : {}) }).where(eq(ignitionConfigs.id, id));
    await appendAudit(tx, actor, {
      action: input.restoredFrom ? "ignition.restore" : "ignition.save",
      targetType: "ignition_config",
      targetId: id,
      before: previous ? { version: previous.version, sha512: previous.sha512 } : null,
      after: { version, sha512: row!.sha512, draft: row!.draft, message: input.message, diff: auditDiff(id, previous?.rendered ?? null, rendered) },
      reason: input.message || null,
    });
    return row!;
  });
}

export async function restoreConfigVersion(db: Db, actor: Actor, id: string, from: number, message: string) {
  const old = await getConfigVersion(db, id, from);
  if (!old) throw new AppError("not_found", `no version ${from} of ${id}`);
  return saveConfigVersion(db, actor, id, { format: old.format, source: old.source, message: message || `restore version ${from}`, draft: old.draft, restoredFrom: from });
}

async function applyPublish(tx: Db, actor: Actor, id: string, version: number, sha512: string | null, reason: string | null, approval?: { requestId: string; approvers: string[] }) {
  const [config] = await tx.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, id)).for("update");
  if (!config) throw new AppError("not_found", "no such config");
  await tx.update(ignitionConfigs).set({ publishedVersion: version, updatedAt: new Date() }).where(eq(ignitionConfigs.id, id));
  await appendAudit(tx, actor, {
    action: "ignition.publish",
    targetType: "ignition_config",
    targetId: id,
    before: { publishedVersion: config.publishedVersion },
    after: { publishedVersion: version, sha512, ...(approval ? { approvalRequest: approval.requestId, approvedBy: approval.approvers } : {}) },
    reason,
  });
}

export type PublishResult = { status: "published"; version: number } | { status: "awaiting_approval"; version: number; requestId: string; approvalsRequired: number };

/**
 * Publishes a version. When the config reaches a group that requires approval, an approval
 * request bound to exactly this version (and its hash) is opened instead.
 */
export async function publishConfigVersion(db: Db, actor: Actor, id: string, version: number, reason: string | null): Promise<PublishResult> {
  return db.transaction(async (tx) => {
    const [config] = await tx.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, id)).for("update");
    if (!config) throw new AppError("not_found", "no such config");
    const row = await getConfigVersion(tx, id, version);
    if (!row) throw new AppError("not_found", `no version ${version} of ${id}`);
    if (row.draft || !row.rendered) throw new AppError("conflict", `version ${version} is a draft that does not validate: it cannot be served`);
    // The same reach rule as every other change (db/queries/change-gate.ts).
    const gated = actor.via === "system" ? [] : await ignitionPublishReach(tx, id);
    if (gated.length > 0) {
      const approvalsRequired = Math.max(...gated.map((g) => g.approvalsRequired));
      const request = await requestApproval(tx, actor, {
        subjectType: "ignition_publish",
        subjectId: id,
        plan: { configId: id, version, sha512: row.sha512, groups: gated.map((g) => g.id).sort() },
        approvalsRequired,
        reason: reason ?? "",
      });
      return { status: "awaiting_approval", version, requestId: request.id, approvalsRequired };
    }
    await applyPublish(tx, actor, id, version, row.sha512, reason);
    return { status: "published", version };
  });
}

/** Applies an approved publication: the plan's version, checked to be unchanged. */
export const applyApprovedPublish: Applier = async (tx, request, approvers) => {
  const plan = request.plan as { configId: string; version: number; sha512: string | null };
  const row = await getConfigVersion(tx, plan.configId, plan.version);
  if (!row || row.sha512 !== plan.sha512) throw new AppError("conflict", "the approved version changed; request approval again");
  const actor: Actor = { userId: request.requestedBy, email: request.requestedByEmail, role: "requester", via: "system", clientAddr: null };
  await applyPublish(tx, actor, plan.configId, plan.version, row.sha512, request.reason || null, { requestId: request.id, approvers });
};

/** Unified diff between two versions; redacted unless the caller may see secrets. */
export async function diffVersions(db: Db, id: string, from: number, to: number, redact: boolean): Promise<string> {
  const [a, b] = await Promise.all([getConfigVersion(db, id, from), getConfigVersion(db, id, to)]);
  if (!a || !b) throw new AppError("not_found", "no such version");
  const text = (v: ConfigVersionRow) => (redact ? redactIgnitionText(v.rendered ?? v.source) : v.format === "butane" ? v.source : (v.rendered ?? v.source));
  return createTwoFilesPatch(`${id} v${from}`, `${id} v${to}`, text(a), text(b), "", "", { context: 3 });
}

export async function listAssignments(db: Db) {
  return db.select().from(ignitionAssignments).orderBy(asc(ignitionAssignments.name));
}

export async function createAssignment(db: Db, actor: Actor, input: { name: string; configId: string; version: number | null; selectors: Record<string, string> }): Promise<typeof ignitionAssignments.$inferSelect | GateHold> {
  return db.transaction(async (tx) => {
    const [config] = await tx.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, input.configId));
    if (!config) throw new AppError("bad_request", "invalid request: configId: no such config", [{ path: "configId", message: "no such config" }]);
    if (input.version !== null) {
      const v = await getConfigVersion(tx, input.configId, input.version);
      if (!v || v.draft) throw new AppError("bad_request", "invalid request: version: not a servable version", [{ path: "version", message: "not a servable version" }]);
    }
    const [dup] = await tx.select({ id: ignitionAssignments.id }).from(ignitionAssignments).where(eq(ignitionAssignments.name, input.name));
    if (dup) throw new AppError("conflict", `assignment ${input.name} exists`, [{ path: "name", message: "already exists" }]);
    const held = await gateChange(tx, actor, { kind: "ignition.assign", input }, null);
    if (held) return held;
    const [row] = await tx.insert(ignitionAssignments).values(input).returning();
    await appendAudit(tx, actor, { action: "ignition.assign", targetType: "ignition_assignment", targetId: input.name, after: input });
    return row!;
  });
}

export async function deleteAssignment(db: Db, actor: Actor, id: string): Promise<GateHold | null> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ name: ignitionAssignments.name }).from(ignitionAssignments).where(eq(ignitionAssignments.id, id));
    if (!current) throw new AppError("not_found", "no such assignment");
    const held = await gateChange(tx, actor, { kind: "ignition.unassign", input: { id, name: current.name } }, null);
    if (held) return held;
    const [gone] = await tx.delete(ignitionAssignments).where(eq(ignitionAssignments.id, id)).returning();
    if (!gone) throw new AppError("not_found", "no such assignment");
    await appendAudit(tx, actor, { action: "ignition.unassign", targetType: "ignition_assignment", targetId: gone.name, before: { configId: gone.configId, version: gone.version, selectors: gone.selectors } });
    return null;
  });
}

export async function recordFetch(db: Db, f: typeof ignitionFetches.$inferInsert) {
  await db.insert(ignitionFetches).values(f);
}

export async function hostFetches(db: Db, hostId: string) {
  return db.select().from(ignitionFetches).where(eq(ignitionFetches.hostId, hostId)).orderBy(desc(ignitionFetches.at)).limit(50);
}

/** Which assignments and how many fetches use each version of a config. */
export async function configUsage(db: Db, id: string) {
  return db
    .select({ version: ignitionFetches.version, fetches: sql<number>`count(*)::int`, hosts: sql<number>`count(DISTINCT ${ignitionFetches.hostId})::int` })
    .from(ignitionFetches)
    .where(eq(ignitionFetches.configId, id))
    .groupBy(ignitionFetches.version);
}
