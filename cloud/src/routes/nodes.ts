import { createRoute } from '@hono/zod-openapi';
import { metricUnit, NodesResponse, type NodeSummary } from '@ruong/shared';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

export function registerNodes(app: CloudApp, deps: CloudDeps): void {
  const route = createRoute({
    method: 'get',
    path: '/api/v1/nodes',
    summary: 'Every node of your farms with its gateway, last seen time and latest value per metric',
    security: [{ bearer: [] }],
    middleware: [requirePerson(deps)] as const,
    responses: { 200: json(NodesResponse, 'Nodes sorted by id'), ...errorResponses(401, 503) },
  });
  app.openapi(route, async (c) => {
    const latest = await deps.telemetry.latest();
    const nodes = new Map<string, NodeSummary>();
    const a = c.get('access');
    for (const n of deps.meta.listNodes()) if (a.canSeeNode(n.node)) nodes.set(n.node, { node: n.node, gateway: n.gateway, lastSeen: n.lastSeen, latest: {} });
    for (const l of latest) {
      const node = nodes.get(l.node);
      if (node) node.latest[l.metric] = { value: l.value, ts: l.ts, unit: metricUnit(l.metric) };
    }
    return c.json({ nodes: [...nodes.values()] }, 200);
  });
}
