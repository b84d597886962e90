import { z } from "zod";
import { NativeReportSchema } from "../agent/native-report";
import { HOST_SORTS, LAST_SEEN_STEP_MINUTES } from "../fleet/host-query";
import { UPDATE_STATE_VALUES, OS_FAMILY_VALUES } from "../agent/native-report";
import { CHANGE_KINDS } from "../history/events";
import {
  LoginSchema,
  NewApiTokenSchema,
  NewChannelSchema,
  NewEnrollmentTokenSchema,
  NewGroupSchema,
  NewUserSchema,
  SetupSchema,
  UserPatchSchema,
  GroupPatchSchema,
  VoteSchema,
} from "./schemas";
import { AssignmentSchema, NewConfigSchema, PublishSchema, RestoreSchema, SaveConfigSchema } from "./ignition-schemas";
import { ChannelPauseSchema, ChannelTargetSchema, NewReleaseSchema, PinSchema, RollbackSchema, BulkPinSchema, RebootSlotsSchema, ReleaseEditSchema, ReleaseImportSchema, ReleasePromoteSchema, ReleaseSlotSchema, RetryFailedVersionSchema } from "./release-schemas";

import { NewRolloutSchema, RolloutActionSchema } from "./rollout-schemas";
import { NewSyncSourceSchema, SyncSourcePatchSchema } from "./sync-schemas";
import { FleetPolicyPutSchema } from "./safety-schemas";
import { ProposalSchema } from "../update/preview";
import { ROLLOUT_STATUS_VALUES } from "../rollout/rollout";
import { NewWebhookSchema, WebhookPatchSchema } from "../webhooks/schemas";

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const errorRef = { $ref: "#/components/schemas/Error" };
const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });
const anyObject = { type: "object" };

interface Op {
  summary: string;
  permission?: string;
  body?: JsonSchema;
  params?: Array<{ name: string; in: "path" | "query"; schema: JsonSchema; description?: string }>;
  ok?: number;
}

function op(o: Op) {
  return {
    summary: o.summary,
    // x-permission is machine-readable: tests/integration/access-control.test.ts walks it.
    ...(o.permission ? { description: `Requires permission \`${o.permission}\`.`, "x-permission": o.permission } : {}),
    ...(o.params ? { parameters: o.params.map((p) => ({ ...p, required: p.in === "path" })) } : {}),
    ...(o.body ? { requestBody: { required: true, ...json(o.body) } } : {}),
    responses: {
      [String(o.ok ?? 200)]: { description: "OK", ...json(anyObject) },
      "400": { description: "Invalid input; `error.fields` names each field", ...json(errorRef) },
      "401": { description: "Not signed in", ...json(errorRef) },
      "403": { description: "Role not allowed", ...json(errorRef) },
    },
  };
}

const idParam = { name: "id", in: "path" as const, schema: { type: "string" } };
const HISTORY_FILTER_PARAMS = [
  { name: "from", in: "query" as const, schema: { type: "string", format: "date-time" } },
  { name: "to", in: "query" as const, schema: { type: "string", format: "date-time" } },
  ...["group", "channel", "version", "host"].map((name) => ({ name, in: "query" as const, schema: { type: "string" } })),
  { name: "state", in: "query" as const, schema: { enum: [...UPDATE_STATE_VALUES] } },
  { name: "protocol", in: "query" as const, schema: { enum: ["native", "omaha", "cincinnati"] } },
  { name: "change", in: "query" as const, schema: { enum: [...CHANGE_KINDS] }, description: "Event kind" },
  { name: "rollout", in: "query" as const, schema: { type: "string", format: "uuid" }, description: "Hosts of this rollout, while it ran" },
];
const str = { type: "string" };

/** The operator API and agent protocol, as OpenAPI 3.1. Grows with every feature. */
export function openApiDocument(): JsonSchema {
  return {
    openapi: "3.1.0",
    info: { title: "Flotilla API", version: "1", description: "Operator API (session cookie or `Authorization: Bearer <API token>`) and the native agent protocol." },
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "flotilla_session" },
        apiToken: { type: "http", scheme: "bearer" },
        enrollmentToken: { type: "http", scheme: "bearer", description: "Enrollment token (agents)" },
      },
      schemas: {
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: { code: str, message: str, fields: { type: "array", items: { type: "object", properties: { path: str, message: str } } } },
              required: ["code", "message"],
            },
          },
        },
        NativeReport: schemaOf(NativeReportSchema),
      },
    },
    security: [{ session: [] }, { apiToken: [] }],
    paths: {
      "/v1/agent/report": {
        post: {
          ...op({ summary: "Native agent report", body: { $ref: "#/components/schemas/NativeReport" } }),
          security: [{ enrollmentToken: [] }],
          tags: ["agent"],
        },
      },
      "/api/v1/auth/login": { post: { ...op({ summary: "Sign in; sets the session cookie", body: schemaOf(LoginSchema) }), security: [] } },
      "/api/v1/auth/logout": { post: { ...op({ summary: "Sign out (ends the cookie's session, if any)" }), security: [] } },
      "/api/v1/auth/oidc/start": { get: { ...op({ summary: "Single sign-on: redirects to the identity provider (authorization code + PKCE); 404 when not configured" }), security: [] } },
      "/api/v1/auth/oidc/callback": { get: { ...op({ summary: "Single sign-on: where the provider sends the browser back; sets the session cookie and redirects" }), security: [] } },
      "/api/v1/setup": { post: { ...op({ summary: "Create the first admin with the one-time setup token", body: schemaOf(SetupSchema), ok: 201 }), security: [] } },
      "/api/v1/me": { get: op({ summary: "The caller, role and permissions", permission: "fleet:read" }) },
      "/api/v1/overview": { get: op({ summary: "Fleet counts by version, OS, group, channel, state", permission: "fleet:read" }) },
      "/api/v1/hosts": {
        get: op({
          summary: "Host list, filtered, sorted, keyset-paginated",
          permission: "fleet:read",
          params: [
            { name: "group", in: "query", schema: str },
            { name: "channel", in: "query", schema: str },
            { name: "version", in: "query", schema: str },
            { name: "state", in: "query", schema: { enum: [...UPDATE_STATE_VALUES] } },
            { name: "os", in: "query", schema: { enum: [...OS_FAMILY_VALUES] } },
            { name: "label", in: "query", schema: str, description: "key=value; repeat for several" },
            { name: "q", in: "query", schema: str, description: "substring of hostname or machine id" },
            { name: "stale", in: "query", schema: { enum: ["true", "false"] }, description: "not seen for 24 h" },
            { name: "sort", in: "query", description: `lastSeen sorts by last seen in ${LAST_SEEN_STEP_MINUTES}-minute steps, newer ids first within a step`, schema: { enum: [...HOST_SORTS] } },
            { name: "dir", in: "query", schema: { enum: ["asc", "desc"] } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } },
            { name: "cursor", in: "query", schema: str, description: "nextCursor of the previous page" },
          ],
        }),
      },
      "/api/v1/hosts/{id}": { get: op({ summary: "One host", permission: "fleet:read", params: [idParam] }) },
      "/api/v1/hosts/{id}/history": {
        get: op({ summary: "A host's reports, newest first", permission: "fleet:read", params: [idParam, { name: "cursor", in: "query", schema: str }, { name: "limit", in: "query", schema: { type: "integer" } }] }),
      },
      "/api/v1/channels": {
        get: op({ summary: "Channels", permission: "fleet:read" }),
        post: op({ summary: "Create a channel", permission: "fleet:write", body: schemaOf(NewChannelSchema), ok: 201 }),
      },
      "/api/v1/groups": {
        get: op({ summary: "Groups, and group names hosts asked for that do not exist yet", permission: "fleet:read" }),
        post: op({ summary: "Create a group", permission: "fleet:write", body: schemaOf(NewGroupSchema), ok: 201 }),
      },
      "/api/v1/channels/{id}/target": {
        post: op({ summary: "Point a channel at a release, optionally as a throttled rollout", permission: "fleet:write", params: [idParam], body: schemaOf(ChannelTargetSchema) }),
      },
      "/api/v1/channels/{id}/history": { get: op({ summary: "A channel's targets, pauses and resumes, with who and why", permission: "fleet:read", params: [idParam] }) },
      "/api/v1/channels/{id}/pause": {
        post: op({ summary: "Pause or resume a channel (reason required)", permission: "fleet:write", params: [idParam], body: schemaOf(ChannelPauseSchema) }),
      },
      "/api/v1/releases": {
        get: op({ summary: "Release catalog", permission: "fleet:read", params: [{ name: "channel", in: "query", schema: str }, { name: "os", in: "query", schema: str }] }),
        post: op({ summary: "Add a release", permission: "fleet:write", body: schemaOf(NewReleaseSchema), ok: 201 }),
      },
      "/api/v1/releases/{id}": {
        patch: op({ summary: "Set or clear a Fedora CoreOS release's OCI image pullspec", permission: "fleet:write", params: [idParam], body: schemaOf(ReleaseEditSchema) }),
      },
      "/api/v1/releases/{id}/recall": {
        post: op({ summary: "Recall a release everywhere (reason required); its live rollouts end, or pause with rollouts=pause", permission: "fleet:write", params: [idParam], body: { type: "object", properties: { reason: str, rollouts: { type: "string", enum: ["end", "pause"] } }, required: ["reason"] } }),
      },
      "/api/v1/releases/{id}/promote": {
        post: op({ summary: "Offer a release in another channel of its family (alpha → beta → stable)", permission: "fleet:write", params: [idParam], body: schemaOf(ReleasePromoteSchema) }),
      },
      "/api/v1/releases/{id}/mirror": {
        post: op({ summary: "Mirror a Flatcar release: download payload and extensions, verify every hash, serve them from Flotilla", permission: "fleet:write", params: [idParam] }),
      },
      "/api/v1/sync-sources": {
        get: op({ summary: "Release sync sources with their state (last and next run, what was added, errors)", permission: "fleet:read" }),
        post: op({ summary: "Add a sync source for a channel and arch (off unless enabled)", permission: "fleet:write", body: schemaOf(NewSyncSourceSchema), ok: 201 }),
      },
      "/api/v1/sync-sources/{id}": {
        patch: op({ summary: "Change a sync source (enable, interval, upstream, mirroring)", permission: "fleet:write", params: [idParam], body: schemaOf(SyncSourcePatchSchema) }),
        delete: op({ summary: "Remove a sync source (its releases stay)", permission: "fleet:write", params: [idParam] }),
      },
      "/api/v1/sync-sources/{id}/run": {
        post: op({ summary: "Run a sync source now and answer what it did", permission: "fleet:write", params: [idParam] }),
      },
      "/api/v1/releases/import": { post: op({ summary: "Import releases from a JSON file (all or nothing)", permission: "fleet:write", body: schemaOf(ReleaseImportSchema), ok: 201 }) },
      "/api/v1/pins": {
        get: op({ summary: "Pins with the hosts they cover and how many have not converged", permission: "fleet:read" }),
        post: op({ summary: "Pin a group or host to a version (replaces its pin)", permission: "fleet:write", body: schemaOf(PinSchema), ok: 201 }),
      },
      "/api/v1/pins/bulk": { post: op({ summary: "Pin every host a host-list filter matches (preview: count only)", permission: "fleet:write", body: schemaOf(BulkPinSchema) }) },
      "/api/v1/pins/{id}": { delete: op({ summary: "Remove a pin", permission: "fleet:write", params: [idParam, { name: "reason", in: "query", schema: str }] }) },
      "/api/v1/ignition/validate": {
        post: {
          ...op({ summary: "Validate an Ignition config (JSON) or Butane (YAML); body is the config text", permission: "fleet:read" }),
          requestBody: { required: true, content: { "text/plain": { schema: str }, "application/json": { schema: anyObject } } },
        },
      },
      "/api/v1/ignition/configs": {
        get: op({ summary: "Ignition configs", permission: "fleet:read" }),
        post: op({ summary: "Create a config with its first version", permission: "fleet:write", body: schemaOf(NewConfigSchema), ok: 201 }),
      },
      "/api/v1/ignition/configs/{name}": { get: op({ summary: "A config, its versions, assignments and usage", permission: "fleet:read", params: [{ name: "name", in: "path", schema: str }] }) },
      "/api/v1/ignition/configs/{name}/versions": {
        post: op({ summary: "Save a new immutable version (drafts may be invalid)", permission: "fleet:write", params: [{ name: "name", in: "path", schema: str }], body: schemaOf(SaveConfigSchema), ok: 201 }),
      },
      "/api/v1/ignition/configs/{name}/versions/{version}": {
        get: op({ summary: "One version (secrets redacted for viewers)", permission: "fleet:read", params: [{ name: "name", in: "path", schema: str }, { name: "version", in: "path", schema: { type: "integer" } }] }),
      },
      "/api/v1/ignition/configs/{name}/publish": { post: op({ summary: "Serve a version through selectors", permission: "fleet:write", params: [{ name: "name", in: "path", schema: str }], body: schemaOf(PublishSchema) }) },
      "/api/v1/ignition/configs/{name}/restore": { post: op({ summary: "Restore an older version as a new one", permission: "fleet:write", params: [{ name: "name", in: "path", schema: str }], body: schemaOf(RestoreSchema), ok: 201 }) },
      "/api/v1/ignition/configs/{name}/diff": {
        get: op({ summary: "Unified diff between two versions", permission: "fleet:read", params: [{ name: "name", in: "path", schema: str }, { name: "from", in: "query", schema: { type: "integer" } }, { name: "to", in: "query", schema: { type: "integer" } }] }),
      },
      "/api/v1/ignition/assignments": {
        get: op({ summary: "Selector assignments (Matchbox-style groups)", permission: "fleet:read" }),
        post: op({ summary: "Assign a config to requests matching selectors", permission: "fleet:write", body: schemaOf(AssignmentSchema), ok: 201 }),
      },
      "/api/v1/ignition/assignments/{id}": { delete: op({ summary: "Remove an assignment", permission: "fleet:write", params: [idParam] }) },
      "/api/v1/hosts/{id}/ignition-fetches": { get: op({ summary: "Ignition configs a host fetched", permission: "fleet:read", params: [idParam] }) },
      "/ignition": { get: { summary: "First-boot Ignition config by selectors (uuid, mac, hostname, serial, labels)", tags: ["agent"], security: [], responses: { "200": { description: "application/vnd.coreos.ignition+json" }, "404": { description: "Nothing matches" } } } },
      "/ignition/configs/{name}/{version}.ign": { get: { summary: "Immutable config version (merge source with verification.hash)", tags: ["agent"], security: [], responses: { "200": { description: "application/vnd.coreos.ignition+json" } } } },
      "/api/v1/fleetlock": { get: op({ summary: "FleetLock reboot semaphores with their holders", permission: "fleet:read" }) },
      "/api/v1/fleetlock/{group}": {
        put: op({ summary: "Set a group's reboot slot count", permission: "fleet:write", params: [{ name: "group", in: "path", schema: str }], body: schemaOf(RebootSlotsSchema) }),
      },
      "/api/v1/fleetlock/{group}/release": {
        post: op({ summary: "Release a stuck reboot slot", permission: "fleet:write", params: [{ name: "group", in: "path", schema: str }], body: schemaOf(ReleaseSlotSchema) }),
      },
      "/api/v1/hosts/{id}/rollback": { post: op({ summary: "Roll a host back (default: to its previous version)", permission: "fleet:write", params: [idParam], body: schemaOf(RollbackSchema), ok: 201 }) },
      "/api/v1/hosts/{id}/failed-versions": { get: op({ summary: "Versions that failed to boot on a host (never offered to it again until retried)", permission: "fleet:read", params: [idParam] }) },
      "/api/v1/hosts/{id}/failed-versions/retry": { post: op({ summary: "Retry a version that failed on this host: the block is lifted", permission: "fleet:write", params: [idParam], body: schemaOf(RetryFailedVersionSchema) }) },
      "/api/v1/groups/{id}/rollback": { post: op({ summary: "Roll a group back to a version", permission: "fleet:write", params: [idParam], body: schemaOf(RollbackSchema), ok: 201 }) },
      "/api/v1/preview": {
        post: op({ summary: "Blast-radius preview of a proposed change (target, pin, unpin, recall, policy, selector, assignment): counts per outcome with sample hosts; changes nothing", permission: "fleet:read", body: schemaOf(z.object({ change: ProposalSchema })) }),
      },
      "/api/v1/fleet-policy": {
        get: op({ summary: "The fleet-wide default rollout policy (groups without their own, defined or not)", permission: "fleet:read" }),
        put: op({ summary: "Set the fleet-wide default policy (202 + approval request when approval-required groups follow it)", permission: "fleet:write", body: schemaOf(FleetPolicyPutSchema) }),
      },
      "/api/v1/groups/{id}": { patch: op({ summary: "Change a group's channel, description or approval rule", permission: "fleet:write", params: [idParam], body: schemaOf(GroupPatchSchema) }) },
      "/api/v1/rollouts": {
        get: op({
          summary: "Rollouts, newest first, with host counts per step",
          permission: "fleet:read",
          params: [
            { name: "status", in: "query", schema: { enum: [...ROLLOUT_STATUS_VALUES] } },
            { name: "group", in: "query", schema: str },
            { name: "live", in: "query", schema: { enum: ["true", "false"] }, description: "only awaiting approval, running or paused" },
          ],
        }),
        post: op({ summary: "Start a rollout for a group by hand (approval-required groups wait for approval)", permission: "fleet:write", body: schemaOf(NewRolloutSchema), ok: 201 }),
      },
      "/api/v1/rollouts/{id}": { get: op({ summary: "A rollout's progress: hosts per step, stuck hosts, failures by error, events", permission: "fleet:read", params: [idParam] }) },
      "/api/v1/rollouts/{id}/actions": { post: op({ summary: "Pause, resume, advance a phase or abort (reason required)", permission: "fleet:write", params: [idParam], body: schemaOf(RolloutActionSchema) }) },
      "/api/v1/approvals": { get: op({ summary: "Approval requests with their votes", permission: "fleet:read", params: [{ name: "status", in: "query", schema: { enum: ["pending", "approved", "rejected", "void"] } }] }) },
      "/api/v1/approvals/{id}/approve": { post: op({ summary: "Approve (not your own request; comment required; in a signed-in session, API tokens cannot vote)", permission: "rollout:approve", params: [idParam], body: schemaOf(VoteSchema) }) },
      "/api/v1/approvals/{id}/reject": { post: op({ summary: "Reject (comment required; in a signed-in session, API tokens cannot vote)", permission: "rollout:approve", params: [idParam], body: schemaOf(VoteSchema) }) },
      "/api/v1/users": {
        get: op({ summary: "Users", permission: "users:manage" }),
        post: op({ summary: "Create a user", permission: "users:manage", body: schemaOf(NewUserSchema), ok: 201 }),
      },
      "/api/v1/users/{id}": { patch: op({ summary: "Change name, role, password or disable", permission: "users:manage", params: [idParam], body: schemaOf(UserPatchSchema) }) },
      "/api/v1/enrollment-tokens": {
        get: op({ summary: "Enrollment tokens (never the secret)", permission: "tokens:manage" }),
        post: op({ summary: "Create an enrollment token; the answer holds the secret once", permission: "tokens:manage", body: schemaOf(NewEnrollmentTokenSchema), ok: 201 }),
      },
      "/api/v1/enrollment-tokens/{id}": { delete: op({ summary: "Revoke", permission: "tokens:manage", params: [idParam] }) },
      "/api/v1/api-tokens": {
        get: op({ summary: "API tokens", permission: "tokens:manage" }),
        post: op({ summary: "Create an API token acting as a user; the answer holds the secret once", permission: "tokens:manage", body: schemaOf(NewApiTokenSchema), ok: 201 }),
      },
      "/api/v1/api-tokens/{id}": { delete: op({ summary: "Revoke", permission: "tokens:manage", params: [idParam] }) },
      "/api/v1/webhooks": {
        get: op({ summary: "Webhook subscriptions with pending and failed delivery counts (never the secret)", permission: "tokens:manage" }),
        post: op({ summary: "Subscribe a URL to events; the answer holds the signing secret once", permission: "tokens:manage", body: schemaOf(NewWebhookSchema), ok: 201 }),
      },
      "/api/v1/webhooks/{id}": {
        patch: op({ summary: "Change URL, events, format, name or enable/disable", permission: "tokens:manage", params: [idParam], body: schemaOf(WebhookPatchSchema) }),
        delete: op({ summary: "Delete the subscription and its delivery log", permission: "tokens:manage", params: [idParam] }),
      },
      "/api/v1/webhooks/{id}/deliveries": { get: op({ summary: "Delivery log, newest first: status, attempts, the receiver's answer, next attempt", permission: "tokens:manage", params: [idParam, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } }, { name: "before", in: "query", schema: { type: "integer" } }] }) },
      "/api/v1/webhooks/{id}/test": { post: op({ summary: "Send a test delivery to this subscription", permission: "tokens:manage", params: [idParam], ok: 201 }) },
      "/api/v1/webhooks/deliveries/{deliveryId}/redeliver": { post: op({ summary: "Send a delivery again, as a new delivery", permission: "tokens:manage", params: [{ name: "deliveryId", in: "path", schema: { type: "integer" } }], ok: 201 }) },
      "/api/v1/audit": { get: op({ summary: "Operator audit log, newest first", permission: "audit:read" }) },
      "/api/v1/audit/export": { get: op({ summary: "Audit log as streamed CSV or NDJSON (same filters as the list, plus format)", permission: "audit:read", params: [{ name: "format", in: "query", schema: { enum: ["csv", "ndjson"] } }, { name: "action", in: "query", schema: str }, { name: "actor", in: "query", schema: str }, { name: "targetType", in: "query", schema: str }, { name: "targetId", in: "query", schema: str }, { name: "from", in: "query", schema: { type: "string", format: "date-time" } }, { name: "to", in: "query", schema: { type: "string", format: "date-time" } }] }) },
      "/api/v1/history": {
        get: op({ summary: "Fleet update history: change events only (no-change checks left out), newest first, keyset-paginated", permission: "fleet:read", params: [...HISTORY_FILTER_PARAMS, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } }, { name: "cursor", in: "query", schema: str }] }),
      },
      "/api/v1/history/export": {
        get: op({ summary: "The filtered fleet history (same filters as the list) as streamed CSV or NDJSON", permission: "fleet:read", params: [{ name: "format", in: "query", schema: { enum: ["csv", "ndjson"] } }, ...HISTORY_FILTER_PARAMS] }),
      },
      "/api/v1/history/hosts-on-version": {
        get: op({ summary: "Hosts that ran a version at any moment of [from, to] (exact, from change events)", permission: "fleet:read", params: [{ name: "version", in: "query", schema: str }, { name: "from", in: "query", schema: { type: "string", format: "date-time" } }, { name: "to", in: "query", schema: { type: "string", format: "date-time" } }, { name: "limit", in: "query", schema: { type: "integer", maximum: 5000 } }] }),
      },
      "/api/v1/history/charts": {
        get: op({ summary: "Version distribution over time, events per hour/day and hosts by state, from rollups", permission: "fleet:read", params: [{ name: "from", in: "query", schema: { type: "string", format: "date-time" } }, { name: "to", in: "query", schema: { type: "string", format: "date-time" } }, { name: "bucket", in: "query", schema: { enum: ["hour", "day"] } }, { name: "group", in: "query", schema: str }] }),
      },
      "/api/v1/history/retention": { get: op({ summary: "History retention: the setting, raw partitions, and the prune job's last run", permission: "fleet:read" }) },
      "/api/v1/audit/verify": { get: op({ summary: "Verify the audit hash chain; names the first broken row", permission: "audit:read" }) },
      "/v1/update/": {
        post: { summary: "Omaha v3 for Flatcar update_engine (XML; also /v1/update and /v1/update/<token>)", tags: ["agent"], security: [], responses: { "200": { description: "Omaha response" }, "400": { description: "Malformed request" } } },
      },
      "/v1/graph": {
        get: { summary: "Cincinnati update graph for Zincati", tags: ["agent"], security: [], responses: { "200": { description: "Graph" }, "400": { description: "{kind, value}" } } },
      },
      "/v1/pre-reboot": { post: { summary: "FleetLock: take a reboot slot", tags: ["agent"], security: [], responses: { "200": { description: "Slot held" }, "409": { description: "All slots taken" } } } },
      "/v1/steady-state": { post: { summary: "FleetLock: release a reboot slot", tags: ["agent"], security: [], responses: { "200": { description: "Released" } } } },
      "/healthz": { get: { summary: "200 when the database answers, 503 otherwise", security: [], responses: { "200": { description: "OK" }, "503": { description: "Database unavailable" } } } },
      "/metrics": { get: { summary: "Prometheus metrics", security: [], responses: { "200": { description: "OK" } } } },
    },
  };
}
