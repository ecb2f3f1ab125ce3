import type { Role } from '@ruong/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { Access } from './access.ts';
import { ApiError } from './api-error.ts';
import { RegistryIndex } from './registry-index.ts';
import type { AppEnv, CloudDeps } from './app-env.ts';
import { bearer, hashToken } from './tokens.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };
export const SESSION_COOKIE = 'ruong_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** The person behind a request: an API token (the admin's or a person's), or else a session cookie. */
function personOf(c: Context<AppEnv>, deps: CloudDeps) {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const token = bearer(header);
    if (!token) return undefined;
    const hash = hashToken(token);
    return deps.meta.adminByTokenHash(hash) ?? deps.accounts.userByApiToken(hash, deps.now());
  }
  const session = getCookie(c, SESSION_COOKIE);
  if (!session) return undefined;
  // A cookie rides along on any request the browser makes; a changing request must come from our own pages.
  const origin = c.req.header('origin');
  if (!SAFE_METHODS.has(c.req.method) && origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError('forbidden', `a signed-in request from ${origin} is refused: only this site's pages may change things`);
  }
  return deps.accounts.userBySession(hashToken(session), deps.now());
}

/**
 * Lets through a signed-in person or a person's API token, holding one of `roles` (any role when none
 * is named); `c.var.access` then answers what they may see and do.
 */
export function requirePerson(deps: CloudDeps, ...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const person = personOf(c, deps);
    if (!person) throw new ApiError('unauthorized', 'sign in, or send an API token (Authorization: Bearer <token>)', { headers: CHALLENGE });
    if (roles.length > 0 && !roles.includes(person.role)) {
      throw new ApiError('forbidden', `${c.req.method} ${c.req.path} needs the ${roles.join(' or ')} role; ${person.username} is ${person.role}`);
    }
    c.set('person', person);
    c.set('access', new Access(person, new RegistryIndex(deps.irrigation, deps.meta)));
    await next();
  };
}
