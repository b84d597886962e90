import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { createTwoFilesPatch } from "diff";
import type { Db } from "../client";
import { ignitionAssignments, ignitionConfigs, ignitionConfigVersions, ignitionFetches } from "../schema/ignition";
import { requestApproval, type Applier } from "./approvals";
import { gateChange, ignitionPublishReach, type GateHold } from "./change-gate";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { configTraits, renderForAssignment } from "@/lib/ignition/assignment-render";
import { compileConfig, type Compiled, type ConfigFormat } from "@/lib/ignition/compile";
import { sha512Hex } from "@/lib/ignition/hash";
import { redactIgnitionText } from "@/lib/ignition/redact";
import { normalizeSelectorValue, parseMac } from "@/lib/ignition/select";

export type ConfigVersionRow = typeof ignitionConfigVersions.$inferSelect;

export async function listConfigs(db: Db) {
  return db.select().from(ignitionConfigs).orderBy(asc(ignitionConfigs.id));
}

export type AssignmentRow = typeof ignitionAssignments.$inferSelect;

/** Where and with which hash an assignment serves its current version, or why it cannot. */
export interface AssignmentServing {
  version: number | null;
  /** Boot URL (`ignition.config.url`): follows the assignment to newer published versions. */
  bootPath: string;
  /** Immutable URL of this version for `ignition.config.merge` with `verification.hash`. */
  path: string | null;
  /** sha512 hex of exactly the bytes `path` serves. */
  sha512: string | null;
  problem: string | null;
}

export function capabilityPath(token: string, version?: number): string {
  return version === undefined ? `/ignition/a/${token}` : `/ignition/a/${token}/${version}.ign`;
}

/** The version an assignment serves now: its pinned version, else the config's published one. */
export function servedVersion(a: Pick<AssignmentRow, "version">, publishedVersion: number | null): number | null {
  return a.version ?? publishedVersion;
}

function assignmentServing(a: AssignmentRow, row: ConfigVersionRow | null, version: number | null): AssignmentServing {
  const bootPath = capabilityPath(a.token);
  if (!row?.rendered || row.draft) return { version, bootPath, path: null, sha512: null, problem: version === null ? "the config has no published version" : `version ${version} cannot be served` };
  const r = renderForAssignment(row.rendered, a);
  if (!r.ok) return { version, bootPath, path: null, sha512: null, problem: r.message };
  return { version, bootPath, path: capabilityPath(a.token, row.version), sha512: sha512Hex(r.body), problem: null };
}

/**
 * A config with its versions and assignments, as the UI shows them. A version's name+version
 * URL and hash are given only when that URL serves it (no variables, no secrets); otherwise
 * each assignment's capability URL carries the hash of the bytes it serves. Capability URLs
 * grant the config's secrets: they are left out unless `capabilities` is set.
 */
export async function getConfig(db: Db, id: string, opts: { capabilities?: boolean } = {}) {
  const [config] = await db.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, id));
  if (!config) return null;
  const rows = await db.select().from(ignitionConfigVersions).where(eq(ignitionConfigVersions.configId, id)).orderBy(desc(ignitionConfigVersions.version));
  const versions = rows.map((v) => {
    const traits = v.rendered ? configTraits(v.rendered) : { variables: [], secrets: [], public: false };
    return {
      version: v.version,
      format: v.format,
      specVersion: v.specVersion,
      sha512: traits.public ? v.sha512 : null,
      mergePath: traits.public && v.rendered && !v.draft ? `/ignition/configs/${id}/${v.version}.ign` : null,
      variables: traits.variables,
      secrets: traits.secrets.map((x) => x.kind),
      draft: v.draft,
      authorEmail: v.authorEmail,
      message: v.message,
      restoredFrom: v.restoredFrom,
      createdAt: v.createdAt,
    };
  });
  const assigned = await db.select().from(ignitionAssignments).where(eq(ignitionAssignments.configId, id)).orderBy(asc(ignitionAssignments.name));
  const assignments = assigned.map((a) => {
    const version = servedVersion(a, config.publishedVersion);
    const served = assignmentServing(a, rows.find((r) => r.version === version) ?? null, version);
    const { token: _token, ...rest } = a;
    void _token;
    if (opts.capabilities) return { ...rest, served };
    return { ...rest, served: { ...served, bootPath: null, path: null } };
  });
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
    await checkFollowers(tx, row);
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
  // Assignments made while the request waited must be able to serve it too.
  await checkFollowers(tx, row);
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

export async function assignmentByToken(db: Db, token: string): Promise<AssignmentRow | null> {
  const [row] = await db.select().from(ignitionAssignments).where(eq(ignitionAssignments.token, token));
  return row ?? null;
}

export interface AssignmentInput {
  name: string;
  configId: string;
  version: number | null;
  selectors: Record<string, string>;
  variables?: Record<string, string>;
}

function refuse(path: string, message: string): AppError {
  return new AppError("bad_request", `invalid request: ${path}: ${message}`, [{ path, message }]);
}

/**
 * Makes an assignment. Refused when it could not serve its version: a MAC selector `net.ParseMAC` rejects, a variable without a value, or a value that cannot be
 * placed where it lands (see `placeValue`). Selectors are stored normalized, as Matchbox's
 * Group.Normalize does, and the capability token is drawn here.
 */
export async function createAssignment(db: Db, actor: Actor, input: AssignmentInput): Promise<AssignmentRow | GateHold> {
  const selectors: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.selectors)) {
    if (k === "mac" && !parseMac(v.trim())) throw refuse("selectors.mac", "not a MAC address (colon, hyphen or dot form; 6, 8 or 20 octets)");
    selectors[k] = normalizeSelectorValue(k, v.trim());
  }
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.variables ?? {})) {
    const key = k.toLowerCase();
    if (key in selectors) throw refuse(`variables.${k}`, "already given by a selector of the same name");
    variables[key] = v;
  }
  return db.transaction(async (tx) => {
    const [config] = await tx.select().from(ignitionConfigs).where(eq(ignitionConfigs.id, input.configId));
    if (!config) throw refuse("configId", "no such config");
    // Following a config that has no published version yet is allowed (an assignment that
    // reaches an approval-gated group is what makes its first publication need approval); it
    // serves nothing (404) until then, and publishing checks it can serve (checkFollowers).
    const version = input.version ?? config.publishedVersion;
    let sha512: string | null = null;
    if (version !== null) {
      const v = await getConfigVersion(tx, input.configId, version);
      if (!v?.rendered || v.draft) throw refuse("version", "not a servable version");
      const r = renderForAssignment(v.rendered, { selectors, variables });
      if (!r.ok) throw refuse(r.missing.length ? `variables.${r.missing[0]}` : r.invalid.length ? `variables.${r.invalid[0]!.name}` : "variables", `${r.message} (version ${version})`);
      sha512 = sha512Hex(r.body);
    }
    const [dup] = await tx.select({ id: ignitionAssignments.id }).from(ignitionAssignments).where(eq(ignitionAssignments.name, input.name));
    if (dup) throw new AppError("conflict", `assignment ${input.name} exists`, [{ path: "name", message: "already exists" }]);
    const record = { name: input.name, configId: input.configId, version: input.version, selectors, variables };
    // Four eyes where the assignment reaches an approval-required group (db/queries/change-gate.ts).
    const held = await gateChange(tx, actor, { kind: "ignition.assign", input: record }, null);
    if (held) return held;
    const [row] = await tx
      .insert(ignitionAssignments)
      .values({ ...record, token: randomBytes(32).toString("base64url") })
      .returning();
    // The token is a capability: it never enters the audit log.
    await appendAudit(tx, actor, { action: "ignition.assign", targetType: "ignition_assignment", targetId: input.name, after: { ...record, sha512 } });
    return row!;
  });
}

/**
 * Publishing moves every assignment that follows the published version: each must still be
 * able to serve the new version (all variables given, values placeable, valid once rendered).
 */
async function checkFollowers(tx: Db, row: ConfigVersionRow): Promise<void> {
  const followers = await tx.select().from(ignitionAssignments).where(and(eq(ignitionAssignments.configId, row.configId), sql`${ignitionAssignments.version} IS NULL`));
  const problems = followers.flatMap((a) => {
    const r = renderForAssignment(row.rendered!, a);
    return r.ok ? [] : [{ path: `assignments.${a.name}`, message: r.message }];
  });
  if (problems.length > 0) throw new AppError("conflict", `version ${row.version} cannot be served by ${problems.map((p) => `${p.path.slice("assignments.".length)} (${p.message})`).join("; ")}`, problems);
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
