import { createRoute, z } from '@hono/zod-openapi';
import { Cooperative, CooperativeConfig, Slug, User, UserConfig } from '@ruong/shared';
import { hashPassword } from '../accounts/password.ts';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

/** Cooperatives (admins) and the people of each (staff of the cooperative, admins). */
export function registerUsers(app: CloudApp, deps: CloudDeps): void {
  const staff = requirePerson(deps, 'staff', 'admin');
  const params = z.object({ username: Slug });

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/cooperatives/{id}',
      summary: 'Create or rename a cooperative (admins)',
      security: [{ bearer: [] }],
      middleware: requirePerson(deps, 'admin'),
      request: { params: z.object({ id: Slug }), body: { content: { 'application/json': { schema: CooperativeConfig } }, required: true } },
      responses: { 200: json(Cooperative, 'The cooperative'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const coop = { id: c.req.valid('param').id, ...c.req.valid('json') };
      deps.accounts.putCooperative(coop);
      return c.json(coop, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/cooperatives', summary: 'The cooperatives you belong to (every one, for admins)', security: [{ bearer: [] }], middleware: requirePerson(deps), responses: { 200: json(z.object({ cooperatives: z.array(Cooperative) }), 'Cooperatives'), ...errorResponses(401) } }),
    async (c) => {
      const access = c.get('access');
      return c.json({ cooperatives: deps.accounts.cooperatives().filter((x) => access.isAdmin || x.id === c.get('person').cooperativeId) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/users', summary: "The people of your cooperative (everyone, for admins)", security: [{ bearer: [] }], middleware: staff, responses: { 200: json(z.object({ users: z.array(User) }), 'People'), ...errorResponses(401, 403) } }),
    async (c) => c.json({ users: deps.accounts.users().filter((u) => c.get('access').canManageCooperative(u.cooperativeId)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/users/{username}',
      summary: 'Create or change a person; a new person needs a password',
      description: 'Staff manage farmers and staff of their own cooperative; only admins make admins.',
      security: [{ bearer: [] }],
      middleware: staff,
      request: { params, body: { content: { 'application/json': { schema: UserConfig } }, required: true } },
      responses: { 200: json(User, 'The person'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const access = c.get('access');
      const { username } = c.req.valid('param');
      const body = c.req.valid('json');
      const cooperativeId = body.role === 'admin' ? null : (body.cooperativeId ?? c.get('person').cooperativeId);
      access.require(body.role !== 'admin' || access.isAdmin, 'make admins');
      if (body.role !== 'admin' && !cooperativeId) throw new ApiError('bad_request', 'farmers and staff belong to a cooperative', { issues: [{ path: 'cooperativeId', message: 'required for farmers and staff' }] });
      if (cooperativeId && !deps.accounts.cooperatives().some((x) => x.id === cooperativeId)) throw new ApiError('bad_request', `cooperative ${cooperativeId} does not exist`, { issues: [{ path: 'cooperativeId', message: 'no such cooperative' }] });
      access.require(access.isAdmin || cooperativeId === c.get('person').cooperativeId, `manage people of cooperative ${cooperativeId}`);
      const existing = deps.accounts.user(username);
      if (existing) access.require(existing.role === 'admin' ? access.isAdmin : access.canManageCooperative(existing.cooperativeId), `change ${username}`);
      if (!existing && !body.password) throw new ApiError('bad_request', `${username} is new and needs a password`, { issues: [{ path: 'password', message: 'required for a new person' }] });
      for (const [i, farmId] of body.farms.entries()) {
        if (access.registry.farms.get(farmId)?.cooperativeId !== cooperativeId) throw new ApiError('bad_request', `farm ${farmId} is not a farm of cooperative ${cooperativeId}`, { issues: [{ path: `farms.${i}`, message: 'not a farm of this cooperative' }] });
      }
      const { password, ...rest } = body;
      const hash = password && (await hashPassword(password));
      const user = deps.accounts.putUser(username, { ...rest, cooperativeId }, existing ? undefined : hash, deps.now());
      // A password set for someone who had one signs them out everywhere.
      if (existing && hash) deps.accounts.setPassword(username, hash, undefined);
      deps.log.info({ username, role: user.role, by: c.get('person').username }, existing ? 'person changed' : 'person added');
      return c.json(user, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/api/v1/users/{username}', summary: 'Remove a person with their sessions and tokens', security: [{ bearer: [] }], middleware: staff, request: { params }, responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404) } }),
    async (c) => {
      const { username } = c.req.valid('param');
      const existing = deps.accounts.user(username);
      if (!existing || !c.get('access').canManageCooperative(existing.cooperativeId)) throw new ApiError('not_found', `no person ${username}`);
      deps.accounts.removeUser(username);
      deps.log.info({ username, by: c.get('person').username }, 'person removed');
      return c.body(null, 204);
    },
  );
}
