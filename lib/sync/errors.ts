/**
 * Why a sync run failed, in words an operator can act on. `unreachable` and `upstream` are
 * retried with backoff; `garbage` too (upstream may be mid-deploy), but it names what was wrong.
 */
export type SyncErrorKind = "unreachable" | "upstream" | "garbage" | "hash_mismatch" | "config";

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** The message stored on the source and shown in the UI for any failure. */
export function syncErrorText(err: unknown): string {
  if (err instanceof SyncError) return `${err.kind}: ${err.message}`;
  if (err instanceof Error && err.name === "TimeoutError") return "unreachable: upstream did not answer in time";
  if (err instanceof TypeError) return `unreachable: ${causeOf(err)}`;
  return "internal: the run failed unexpectedly (see the server log)";
}

function causeOf(err: TypeError): string {
  const cause = (err as { cause?: unknown }).cause;
  const code = cause && typeof cause === "object" && "code" in cause ? String((cause as { code: unknown }).code) : "";
  return code ? `${err.message} (${code})` : err.message;
}
