import { createRoute, z } from '@hono/zod-openapi';
import { Alert } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

export function registerAlerts(app: CloudApp, deps: CloudDeps): void {
  const auth = requirePerson(deps);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/alerts',
      summary: 'Alerts of your farms: open and acknowledged first, then cleared ones, newest first',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { query: z.object({ farm: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
      responses: { 200: json(z.object({ alerts: z.array(Alert) }), 'Alerts'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const a = c.get('access');
      const { farm, limit } = c.req.valid('query');
      if (farm !== undefined && !a.canSeeFarm(farm)) throw new ApiError('not_found', `no farm ${farm}`);
      const farms = farm !== undefined ? [farm] : a.isAdmin ? undefined : a.visibleFarms().map((f) => f.id);
      return c.json({ alerts: deps.alerts.list(farms, limit) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/alerts/{id}/acknowledge',
      summary: 'Say someone is on it; the alert clears by itself when the condition is gone',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: z.coerce.number().int() }) },
      responses: { 200: json(Alert, 'The alert'), ...errorResponses(401, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const alert = deps.alerts.get(id);
      if (!alert || !c.get('access').canSeeFarm(alert.farmId)) throw new ApiError('not_found', `no alert ${id}`);
      if (!deps.alerts.acknowledge(id, c.get('person').username, deps.now())) throw new ApiError('conflict', `alert ${id} is ${alert.state}, not open`);
      return c.json(deps.alerts.get(id)!, 200);
    },
  );
}
