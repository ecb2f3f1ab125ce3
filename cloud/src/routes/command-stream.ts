import { createRoute, z } from '@hono/zod-openapi';
import type { GatewayCommand } from '@ruong/shared';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requireGateway } from '../auth.ts';
import { errorResponses } from './responses.ts';

const KEEPALIVE_MS = 15_000;

/**
 * The downlink: a gateway keeps this Server-Sent Events stream open and gets each command as an
 * `event: command` the moment it is queued; on (re)connect it first gets every command it has not
 * yet confirmed receiving.
 */
export function registerCommandStream(app: CloudApp, deps: CloudDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/gateways/{id}/commands/stream',
      summary: 'Commands for a gateway, pushed as Server-Sent Events (event: command, data: GatewayCommand)',
      security: [{ bearer: [] }],
      middleware: requireGateway(deps),
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: 'text/event-stream of commands', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses(401) },
    }),
    (c) => {
      const gateway = c.get('gateway');
      if (c.req.valid('param').id !== gateway) throw new ApiError('unauthorized', `this token belongs to gateway ${gateway}`);
      return streamSSE(c, async (stream) => {
        const queue: GatewayCommand[] = deps.commands.pendingFor(gateway);
        let wake: (() => void) | undefined;
        const onCommand = (cmd: GatewayCommand) => {
          queue.push(cmd);
          wake?.();
        };
        deps.commands.bus.on(gateway, onCommand);
        stream.onAbort(() => wake?.());
        deps.log.info({ gateway }, 'command stream open');
        try {
          while (!stream.aborted) {
            while (queue.length) {
              const cmd = queue.shift()!;
              await stream.writeSSE({ event: 'command', id: cmd.id, data: JSON.stringify(cmd) });
              deps.commands.markSent(cmd.id);
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, KEEPALIVE_MS);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
            if (!queue.length && !stream.aborted) await stream.write(': keep-alive\n\n');
          }
        } finally {
          deps.commands.bus.off(gateway, onCommand);
          deps.log.info({ gateway }, 'command stream closed');
        }
      });
    },
  );
}
