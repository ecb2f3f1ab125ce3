import { createRoute, z } from '@hono/zod-openapi';
import { Command, NewCommand, NodeId } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

/** Valve commands by hand: anyone may water the farms they can see (farmers their own, staff their cooperative's). */
export function registerCommands(app: CloudApp, deps: CloudDeps): void {
  const auth = requirePerson(deps);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/commands',
      summary: 'Open or close a valve by hand; the command goes to the gateway that serves the node',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { body: { content: { 'application/json': { schema: NewCommand } }, required: true } },
      responses: { 201: json(Command, 'Queued'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (!c.get('access').canSeeNode(body.node)) throw new ApiError('not_found', `no node ${body.node} on your farms`);
      const command = deps.commands.create(body, 'person');
      deps.log.info({ commandId: command.id, by: c.get('person').username }, 'command by hand');
      return c.json(command, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/commands/{id}',
      summary: 'A command with every state it went through, each time-stamped',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(Command, 'The command'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const command = deps.commands.get(c.req.valid('param').id);
      if (!command || !c.get('access').canSeeNode(command.node)) throw new ApiError('not_found', `no command ${c.req.valid('param').id}`);
      return c.json(command, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/commands',
      summary: 'Recent commands to the nodes you can see, newest first',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { query: z.object({ node: NodeId.optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: json(z.object({ commands: z.array(Command) }), 'Commands'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const a = c.get('access');
      const q = c.req.valid('query');
      if (q.node !== undefined && !a.canSeeNode(q.node)) throw new ApiError('not_found', `no node ${q.node} on your farms`);
      const nodes = q.node !== undefined || a.isAdmin ? undefined : deps.meta.listNodes().map((n) => n.node).filter((n) => a.canSeeNode(n));
      return c.json({ commands: deps.commands.list({ ...q, ...(nodes && { nodes }) }) }, 200);
    },
  );
}
