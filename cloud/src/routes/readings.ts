import { createRoute } from '@hono/zod-openapi';
import { ReadingsQuery, ReadingsResponse } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

export function registerReadings(app: CloudApp, deps: CloudDeps): void {
  const route = createRoute({
    method: 'get',
    path: '/api/v1/readings',
    summary: 'Readings of nodes and metrics over a time range, raw or in time buckets',
    description: '`node` and `metric` may repeat; `from` and `to` are epoch ms or ISO 8601; `to` defaults to now.',
    security: [{ bearer: [] }],
    middleware: [requirePerson(deps)] as const,
    request: { query: ReadingsQuery },
    responses: { 200: json(ReadingsResponse, 'One series per node and metric'), ...errorResponses(400, 401, 404, 503) },
  });
  app.openapi(route, async (c) => {
    const a = c.get('access');
    const q = c.req.valid('query');
    const hidden = q.node?.find((n) => !a.canSeeNode(n));
    if (hidden !== undefined) throw new ApiError('not_found', `no node ${hidden} on your farms`);
    // Without named nodes, a person reads every node of their farms; only admins read every node there is.
    const nodes = q.node ?? (a.isAdmin ? undefined : deps.meta.listNodes().map((n) => n.node).filter((n) => a.canSeeNode(n)));
    if (nodes?.length === 0) return c.json({ series: [] }, 200);
    const series = await deps.telemetry.query({
      nodes,
      metrics: q.metric,
      from: q.from,
      to: q.to ?? deps.now() + 1,
      every: q.every,
      agg: q.agg,
    });
    return c.json({ series }, 200);
  });
}
