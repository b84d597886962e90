import type { Permission } from "@/lib/auth/permissions";
import { openApiDocument } from "@/lib/operator/openapi";

export interface OperatorOperation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI path template, e.g. `/api/v1/hosts/{id}`. */
  path: string;
  /** The permission the operation documents; undefined for open operations. */
  permission?: Permission;
  /** Documented as needing no credentials (`security: []`). */
  open: boolean;
  pathParams: string[];
  queryParams: string[];
  hasBody: boolean;
  /** JSON Schema of the JSON request body, when there is one. */
  bodySchema?: unknown;
}

interface DocOperation {
  "x-permission"?: Permission;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

/** Every operator API operation (`/api/v1/…`) the OpenAPI document describes. */
export function operatorOperations(): OperatorOperation[] {
  const doc = openApiDocument() as { paths: Record<string, Record<string, DocOperation>> };
  const out: OperatorOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase() as OperatorOperation["method"],
        path,
        permission: op["x-permission"],
        open: Array.isArray(op.security) && op.security.length === 0,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        bodySchema: op.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return out;
}

export const NIL_UUID = "00000000-0000-4000-8000-000000000000";

/** The path with every parameter filled: ids with a well-formed UUID nobody has, names with a free name. */
export function concretePath(op: OperatorOperation, values: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? (name === "id" ? NIL_UUID : name === "version" ? "1" : "no-such-name")));
}
