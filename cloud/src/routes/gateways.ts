import { createRoute, z } from '@hono/zod-openapi';
import { GatewayHealth, NodeId } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { hashToken, newToken } from '../tokens.ts';
import { errorResponses, json } from './responses.ts';

/** Gateway ids follow the node id rules: lower-case, digits, `-` and `_`. */
const GatewayId = NodeId;
const NewGateway = z.object({
  id: GatewayId,
  name: z.string().min(1).max(200).optional(),
  /** The farm the gateway serves: its staff manage it, its people see it. */
  farmId: z.string().min(1).optional(),
});
const GatewayToken = z.object({ id: GatewayId, token: z.string() });
const GatewayList = z.object({
  gateways: z.array(
    z.object({ id: z.string(), name: z.string(), farmId: z.string().optional(), createdAt: z.number(), lastContact: z.number().nullable(), health: GatewayHealth.nullable() }),
  ),
});

export function registerGateways(app: CloudApp, deps: CloudDeps): void {
  const auth = requirePerson(deps);
  const staff = requirePerson(deps, 'staff', 'admin');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/gateways',
      summary: 'Register a gateway for a farm (staff); the reply carries its token, shown this once',
      security: [{ bearer: [] }],
      middleware: staff,
      request: { body: { content: { 'application/json': { schema: NewGateway } }, required: true } },
      responses: { 201: json(GatewayToken, 'Registered'), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const a = c.get('access');
      const { id, name, farmId } = c.req.valid('json');
      if (farmId !== undefined && !a.registry.farms.has(farmId)) throw new ApiError('bad_request', `farm ${farmId} does not exist`, { issues: [{ path: 'farmId', message: 'does not exist' }] });
      a.require(a.canManageFarm(farmId), farmId ? `register gateways for farm ${farmId}` : 'register a gateway without a farm');
      const token = newToken('rgw');
      if (!deps.meta.createGateway(id, name ?? id, farmId, hashToken(token), deps.now())) {
        throw new ApiError('conflict', `gateway ${id} is already registered; POST /api/v1/gateways/${id}/token issues a new token`);
      }
      deps.log.info({ gateway: id }, 'gateway registered');
      return c.json({ id, token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/gateways/{id}/token',
      summary: 'Issue a new token for a gateway (staff of its farm); the old one stops working',
      security: [{ bearer: [] }],
      middleware: staff,
      request: { params: z.object({ id: GatewayId }) },
      responses: { 200: json(GatewayToken, 'The new token, shown this once'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const a = c.get('access');
      const { id } = c.req.valid('param');
      const gateway = deps.meta.listGateways().find((g) => g.id === id);
      if (!gateway || !a.canSeeGateway(gateway)) throw new ApiError('not_found', `gateway ${id} is not registered`);
      a.require(a.canManageFarm(gateway.farmId), `rotate the token of gateway ${id}`);
      const token = newToken('rgw');
      if (!deps.meta.setGatewayToken(id, hashToken(token))) throw new ApiError('not_found', `gateway ${id} is not registered`);
      deps.log.info({ gateway: id }, 'gateway token rotated');
      return c.json({ id, token }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/gateways',
      summary: 'The gateways of your farms with their last contact and last reported health',
      security: [{ bearer: [] }],
      middleware: auth,
      responses: { 200: json(GatewayList, 'Gateways sorted by id'), ...errorResponses(401) },
    }),
    async (c) => c.json({ gateways: deps.meta.listGateways().filter((g) => c.get('access').canSeeGateway(g)) }, 200),
  );
}
