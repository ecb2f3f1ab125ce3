import { OpenAPIHono } from '@hono/zod-openapi';
import { toIssues } from '@ruong/shared';
import { requestId } from 'hono/request-id';
import { ApiError } from './api-error.ts';
import type { AppEnv, CloudApp, CloudDeps } from './app-env.ts';
import { registerDashboard } from './dashboard.ts';
import { errorHandler } from './error-handler.ts';
import { registerAlerts } from './routes/alerts.ts';
import { registerCommandStream } from './routes/command-stream.ts';
import { registerCommands } from './routes/commands.ts';
import { registerGatewayRules } from './routes/gateway-rules.ts';
import { registerGateways } from './routes/gateways.ts';
import { registerHealth } from './routes/health.ts';
import { registerIngest } from './routes/ingest.ts';
import { registerNodes } from './routes/nodes.ts';
import { registerReadings } from './routes/readings.ts';
import { registerRules } from './routes/rules.ts';
import { registerRegistry } from './routes/registry.ts';
import { registerSession } from './routes/session.ts';
import { registerUsers } from './routes/users.ts';
import './zod-messages.ts';

/** The cloud's HTTP API: every route, the OpenAPI document generated from their zod schemas, one error shape. */
export function createApp(deps: CloudDeps): CloudApp {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError('bad_request', 'the request is not valid', { issues: toIssues(result.error) });
    },
  });
  const countRequests = deps.metrics.counter('ruong_http_requests_total', 'HTTP requests, by status');
  app.use(requestId());
  app.use(async (c, next) => {
    await next();
    countRequests({ status: String(c.res.status) });
  });

  registerHealth(app, deps);
  registerSession(app, deps);
  registerUsers(app, deps);
  registerIngest(app, deps);
  registerReadings(app, deps);
  registerNodes(app, deps);
  registerGateways(app, deps);
  registerCommands(app, deps);
  registerCommandStream(app, deps);
  registerRegistry(app, deps);
  registerAlerts(app, deps);
  registerRules(app, deps);
  registerGatewayRules(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Ruộng cloud API', version: '1', description: 'Telemetry ingest and reads for Ruộng gateways and people.' },
  });
  registerDashboard(app);
  app.notFound((c) => {
    throw new ApiError('not_found', `no route for ${c.req.method} ${c.req.path}`);
  });
  app.onError(errorHandler(deps.log, deps.storeOutage));
  return app;
}
