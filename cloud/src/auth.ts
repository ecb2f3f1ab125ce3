import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';
import type { AppEnv, CloudDeps } from './app-env.ts';
import { bearer, hashToken } from './tokens.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/** Lets through only a registered gateway's token; the gateway's id becomes `c.var.gateway`. */
export function requireGateway(deps: CloudDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const gateway = token && deps.meta.gatewayByTokenHash(hashToken(token));
    if (!gateway) throw new ApiError('unauthorized', 'a valid gateway token is required (Authorization: Bearer <token>)', { headers: CHALLENGE });
    c.set('gateway', gateway);
    await next();
  };
}

/** Lets through only a person's token (the admin token, for now). */
export function requirePerson(deps: CloudDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const person = token && deps.meta.personByTokenHash(hashToken(token));
    if (!person) throw new ApiError('unauthorized', 'a valid API token is required (Authorization: Bearer <token>)', { headers: CHALLENGE });
    c.set('person', person);
    await next();
  };
}
