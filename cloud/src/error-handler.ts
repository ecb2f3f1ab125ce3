import type { ApiErrorBody } from '@ruong/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { ApiError, storeUnavailable } from './api-error.ts';
import type { OutageLog } from './outage-log.ts';
import { StoreUnavailable } from './stores/telemetry-store.ts';

/**
 * Renders every error as `{"error": {code, message, issues?, requestId}}`; a store that is unavailable is a
 * 503 with Retry-After; unknown errors are 500s, logged with their cause.
 */
export function errorHandler(log: Logger, storeOutage: OutageLog) {
  return (err: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof HTTPException && err.status === 413) apiError = new ApiError('payload_too_large', err.message || 'request body is too large');
    else if (err instanceof HTTPException && err.status < 500) apiError = new ApiError('bad_request', err.message || 'bad request');
    else if (err instanceof StoreUnavailable) {
      // Not the cloud's fault, and not a stack trace's worth: the reason and when to try again.
      storeOutage.failed({ err: err.message, requestId, path: c.req.path }, 'telemetry store unavailable');
      apiError = storeUnavailable(`telemetry store is unavailable: ${err.message}`, err);
    } else {
      log.error({ err, requestId, path: c.req.path }, 'unhandled error');
      apiError = new ApiError('internal', 'internal error');
    }
    const body: ApiErrorBody = {
      error: { code: apiError.code, message: apiError.message, ...(apiError.issues && { issues: apiError.issues }), ...(requestId && { requestId }) },
    };
    for (const [k, v] of Object.entries(apiError.headers)) c.header(k, v);
    return c.json(body, apiError.status);
  };
}
