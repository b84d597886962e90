/** Error thrown by every fetcher on a non-2xx answer, carrying the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export async function apiFetch<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
    credentials: "same-origin",
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let fields: Array<{ path: string; message: string }> = [];
    try {
      const body = (await res.json()) as { error?: { message?: string; fields?: typeof fields } };
      if (body.error?.message) message = body.error.message;
      fields = body.error?.fields ?? [];
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message, fields);
  }
  return (await res.json()) as T;
}

export function postJson<T>(path: string, body: unknown, method = "POST"): Promise<T> {
  return apiFetch<T>(path, { method, body: JSON.stringify(body) });
}

/** How often live views poll; reports show up within this plus the request time. */
export const LIVE_INTERVAL_MS = 2_000;
