import type { ErrorCode, Issue } from '@ruong/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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

/** How long a client should wait before trying again when the telemetry store is unavailable. */
export const STORE_RETRY_AFTER_SEC = 5;

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
