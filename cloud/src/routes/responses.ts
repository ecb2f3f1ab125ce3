import { ApiErrorBody } from '@ruong/shared';

const DESCRIPTIONS = {
  400: 'Invalid request: `issues` lists each path and what is wrong with it',
  401: 'Not signed in, or a missing or wrong token',
  403: 'Signed in, but your role or cooperative does not allow this',
  404: 'Not found',
  409: 'Conflicts with what exists',
  413: 'Body too large (after inflating gzip)',
  415: 'Unsupported Content-Encoding',
  429: 'Over the rate limit; retry after the Retry-After header',
  503: 'A store is unavailable; retry after the Retry-After header',
} as const;

/** OpenAPI entries for the error statuses a route can answer, all with the one error shape. */
export function errorResponses<S extends keyof typeof DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s], content: { 'application/json': { schema: ApiErrorBody } } }]),
  ) as unknown as Record<S, { description: string; content: { 'application/json': { schema: typeof ApiErrorBody } } }>;
}

export function json<T>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
