import { createRoute, z } from '@hono/zod-openapi';
import { Zone, ZoneConfig } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

const ZoneId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'zone ids are [a-z0-9][a-z0-9_-]{0,63}');

export function registerZones(app: CloudApp, deps: CloudDeps): void {
  const auth = requirePerson(deps);
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/zones/{id}',
      summary: 'Create or replace an irrigation zone: its soil sensors, weather nodes and valve',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: ZoneId }), body: { content: { 'application/json': { schema: ZoneConfig } }, required: true } },
      responses: { 200: json(Zone, 'The zone'), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      deps.irrigation.putZone(id, c.req.valid('json'));
      return c.json(deps.irrigation.zone(id)!, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/zones', summary: 'Every zone', security: [{ bearer: [] }], middleware: auth, responses: { 200: json(z.object({ zones: z.array(Zone) }), 'Zones'), ...errorResponses(401) } }),
    async (c) => c.json({ zones: deps.irrigation.zones() }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/zones/{id}',
      summary: 'One zone',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: ZoneId }) },
      responses: { 200: json(Zone, 'The zone'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const zone = deps.irrigation.zone(c.req.valid('param').id);
      if (!zone) throw new ApiError('not_found', `no zone ${c.req.valid('param').id}`);
      return c.json(zone, 200);
    },
  );
}
