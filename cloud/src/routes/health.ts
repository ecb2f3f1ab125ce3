import { createRoute, z } from '@hono/zod-openapi';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { json } from './responses.ts';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  telemetryStore: z.object({ kind: z.string(), ok: z.boolean(), error: z.string().optional() }),
});

export function registerHealth(app: CloudApp, deps: CloudDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness and the state of the stores',
      responses: { 200: json(Health, 'All stores answer'), 503: json(Health, 'A store does not answer') },
    }),
    async (c) => {
      const kind = deps.telemetry.kind;
      try {
        await deps.telemetry.ping();
        // A monitor's probe sees the store back even while no gateway sends.
        deps.storeOutage.recovered();
        return c.json({ status: 'ok' as const, telemetryStore: { kind, ok: true } }, 200);
      } catch (err) {
        return c.json({ status: 'degraded' as const, telemetryStore: { kind, ok: false, error: (err as Error).message } }, 503);
      }
    },
  );
  app.get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }));
}
