import { createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import { ApiTokenInfo, NewApiToken, PasswordChange, SignIn, User } from '@ruong/shared';
import { randomUUID } from 'node:crypto';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashPassword, verifyPassword } from '../accounts/password.ts';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson, SESSION_COOKIE } from '../auth.ts';
import { TokenBuckets } from '../rate-limit.ts';
import { hashToken, newToken } from '../tokens.ts';
import { errorResponses, json } from './responses.ts';

const SESSION_DAYS = 30;

/** Sign in and out with a password (an HTTP-only session cookie), and the person's own API tokens. */
export function registerSession(app: CloudApp, deps: CloudDeps): void {
  // Guessing is slow: a few wrong tries, then one every 10 s per address and one every 20 s per username.
  const perAddress = new TokenBuckets(1 / 10, 10, deps.now);
  const perUsername = new TokenBuckets(1 / 20, 5, deps.now);
  const auth = requirePerson(deps);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/session',
      summary: 'Sign in; the reply sets an HTTP-only session cookie',
      request: { body: { content: { 'application/json': { schema: SignIn } }, required: true } },
      responses: { 200: json(User, 'Signed in'), ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const address = getConnInfo(c).remote.address ?? 'unknown';
      perAddress.check(address, 'failed sign-ins from this address');
      perUsername.check(username, `failed sign-ins for ${username}`);
      const ok = await verifyPassword(password, deps.accounts.passwordHash(username));
      const user = ok ? deps.accounts.user(username) : undefined;
      if (!user) {
        // Only failures count: a cooperative office signs many people in from one address.
        perAddress.spend(address);
        perUsername.spend(username);
        deps.log.warn({ username, address }, 'sign-in refused');
        throw new ApiError('unauthorized', 'wrong username or password');
      }
      const token = newToken('rses');
      deps.accounts.createSession(hashToken(token), username, deps.now() + SESSION_DAYS * 86_400_000);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: SESSION_DAYS * 86_400,
        secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
      });
      deps.log.info({ username, role: user.role }, 'signed in');
      return c.json(user, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/session', summary: 'Sign out', responses: { 204: { description: 'Signed out' } } }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) deps.accounts.endSession(hashToken(token));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/me', summary: 'Who is signed in', security: [{ bearer: [] }], middleware: auth, responses: { 200: json(User, 'The person'), ...errorResponses(401) } }),
    async (c) => c.json(c.get('person'), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/me/password',
      summary: 'Change your password; your other sessions end',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { body: { content: { 'application/json': { schema: PasswordChange } }, required: true } },
      responses: { 204: { description: 'Changed' }, ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => {
      const { username } = c.get('person');
      const { current, password } = c.req.valid('json');
      perUsername.check(username, `failed password checks for ${username}`);
      if (!(await verifyPassword(current, deps.accounts.passwordHash(username)))) {
        perUsername.spend(username);
        throw new ApiError('forbidden', 'the current password is wrong', { issues: [{ path: 'current', message: 'wrong password' }] });
      }
      const session = getCookie(c, SESSION_COOKIE);
      deps.accounts.setPassword(username, await hashPassword(password), session && hashToken(session));
      deps.log.info({ username }, 'password changed');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/me/tokens',
      summary: 'Create an API token for scripts; it acts as you and is shown this once',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { body: { content: { 'application/json': { schema: NewApiToken } }, required: true } },
      responses: { 201: json(ApiTokenInfo.extend({ token: z.string() }), 'The token'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const person = c.get('person');
      if (!deps.accounts.user(person.username)) throw new ApiError('forbidden', 'the admin token cannot create tokens; sign in as a person');
      const token = newToken('rpat');
      const id = randomUUID();
      const now = deps.now();
      deps.accounts.createApiToken(id, hashToken(token), person.username, c.req.valid('json').label, now);
      deps.log.info({ username: person.username, tokenId: id }, 'API token created');
      return c.json({ id, label: c.req.valid('json').label, createdAt: now, lastUsedAt: null, token }, 201);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/me/tokens', summary: 'Your API tokens (never their secrets)', security: [{ bearer: [] }], middleware: auth, responses: { 200: json(z.object({ tokens: z.array(ApiTokenInfo) }), 'Tokens'), ...errorResponses(401) } }),
    async (c) => c.json({ tokens: deps.accounts.apiTokens(c.get('person').username) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/me/tokens/{id}',
      summary: 'Revoke one of your API tokens',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: z.string() }) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      if (!deps.accounts.revokeApiToken(c.get('person').username, c.req.valid('param').id)) throw new ApiError('not_found', `you have no token ${c.req.valid('param').id}`);
      return c.body(null, 204);
    },
  );
}
