import { createRoute, z } from '@hono/zod-openapi';
import { GatewayRules } from '@ruong/shared';
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requireGateway } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

/** The zone rules a gateway keeps for when the cloud is unreachable: those of the zones whose valve it drives. */
export function registerGatewayRules(app: CloudApp, deps: CloudDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/gateways/{id}/rules',
      summary: "The enabled rules of the gateway's zones, versioned, for its offline fallback",
      security: [{ bearer: [] }],
      middleware: requireGateway(deps),
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(GatewayRules, 'Zones and rules, with a version that changes when any of them does'), ...errorResponses(401) },
    }),
    async (c) => {
      const gateway = c.get('gateway');
      if (c.req.valid('param').id !== gateway) throw new ApiError('unauthorized', `this token belongs to gateway ${gateway}`);
      const mine = new Set(deps.meta.listNodes().filter((n) => n.gateway === gateway).map((n) => n.node));
      const rules = deps.irrigation.rules().filter((r) => r.enabled);
      const zones = deps.irrigation
        .zones()
        .filter((zone) => zone.valve !== undefined && mine.has(zone.valve))
        .flatMap((zone) => rules.filter((r) => r.zoneId === zone.id).map((rule) => ({ zone, rule })));
      const version = createHash('sha256').update(JSON.stringify(zones)).digest('hex').slice(0, 16);
      return c.json({ version, zones }, 200);
    },
  );
}
