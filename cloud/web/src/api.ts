import type { Issue } from '@ruong/shared';

/** An answer of the API other than 2xx, with its stable code and, for 400, the issues by path; or none (`unreachable`, status 0). */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: Issue[];

  constructor(status: number, code: string, message: string, issues: Issue[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

/** Called when the session is gone, so the app can show the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

/** JSON to and from the cloud's API, with the session cookie. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
  } catch (err) {
    // fetch rejects only when no answer came: the phone has no signal, or the cloud is down.
    throw new ApiFailure(0, 'unreachable', (err as Error).message);
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; issues?: Issue[] } };
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/v1/session') onSignedOut();
    throw new ApiFailure(res.status, body.error?.code ?? 'internal', body.error?.message ?? res.statusText, body.error?.issues);
  }
  return body as T;
}

/** A query string from the defined values; arrays repeat the key. */
export function query(params: Record<string, string | number | readonly string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  return q.toString();
}
