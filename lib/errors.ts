import type { z } from "zod";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  // A pin or rollback would replace a rollback in place; resend with `replaceRollback: true`.
  replaces_rollback: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

/** The one error type the domain and data layers throw; routes map it to a response. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(code: ErrorCode, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? "(body)" : path.map((p) => String(p)).join(".");
}

/** A 400 whose message names every offending field, e.g. `os.version: Required`. */
export function validationError(error: z.ZodError, what = "request"): AppError {
  const fields = error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message }));
  const summary = fields.map((f) => `${f.path}: ${f.message}`).join("; ");
  return new AppError("bad_request", `invalid ${what}: ${summary}`, fields);
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldError[] };
}

/** Maps any thrown value to a client-safe body; internals never leave the server. */
export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return {
      status: err.status,
      body: {
        error: { code: err.code, message: err.message, ...(err.fields.length ? { fields: err.fields } : {}) },
      },
    };
  }
  return { status: 500, body: { error: { code: "internal", message: "internal error" } } };
}

/** Refuses a write based on a stale read: the object changed after the caller loaded it. */
export function assertUnchanged(current: Date, expected: string | undefined, what: string): void {
  if (expected !== undefined && current.getTime() !== new Date(expected).getTime()) {
    throw new AppError("conflict", `${what} was changed by someone else since you loaded it; reload and try again`);
  }
}
