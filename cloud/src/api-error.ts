import type { ErrorCode, Issue } from '@ruong/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { STORE_RETRY_AFTER_SEC } from './stores/telemetry-store.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  store_unavailable: 503,
};

/** The one error type of the API: a stable code, a message for people, and optional issues. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { issues?: Issue[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

/** 503 `store_unavailable`, with when to try again. */
export function storeUnavailable(message: string, cause: unknown): ApiError {
  return new ApiError('store_unavailable', message, { headers: { 'Retry-After': String(STORE_RETRY_AFTER_SEC) }, cause });
}
