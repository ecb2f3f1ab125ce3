import { createRoute, z } from '@hono/zod-openapi';
import { Farm, FarmConfig, Field, FieldConfig, Zone, ZoneConfig } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'ids are [a-z0-9][a-z0-9_-]{0,63}');

type Kind = 'farms' | 'fields' | 'zones';

/**
 * The registry: farms, their fields, and the fields' irrigation zones (which nodes measure a zone,
 * which valve waters it). Each kind has the same four routes; a parent cannot be deleted while it
 * has children, and a child must name a parent that exists.
 */
export function registerRegistry(app: CloudApp, deps: CloudDeps): void {
  const store = deps.irrigation;
  const exists = (kind: Kind, id: string) => store.list(kind).some((x) => x.id === id);
  const resources = [
    { kind: 'farms' as const, one: 'farm', input: FarmConfig, output: Farm, check: () => {}, children: (id: string) => store.list<{ farmId: string }>('fields').filter((f) => f.farmId === id).length },
    {
      kind: 'fields' as const,
      one: 'field',
      input: FieldConfig,
      output: Field,
      check: (b: { farmId?: string }) => {
        if (b.farmId && !exists('farms', b.farmId)) throw new ApiError('bad_request', `farm ${b.farmId} does not exist`, { issues: [{ path: 'farmId', message: 'no such farm' }] });
      },
      children: (id: string) => store.zones().filter((zn) => zn.fieldId === id).length,
    },
    {
      kind: 'zones' as const,
      one: 'zone',
      input: ZoneConfig,
      output: Zone,
      check: (b: { fieldId?: string }) => {
        if (b.fieldId && !exists('fields', b.fieldId)) throw new ApiError('bad_request', `field ${b.fieldId} does not exist`, { issues: [{ path: 'fieldId', message: 'no such field' }] });
      },
      children: (id: string) => store.rules().filter((r) => r.zoneId === id).length,
    },
  ];
  const auth = requirePerson(deps);
  for (const r of resources) {
    const params = z.object({ id: Id });
    const get = (id: string) => {
      const found = store.list<object>(r.kind).find((x) => x.id === id);
      if (!found) throw new ApiError('not_found', `no ${r.one} ${id}`);
      return found;
    };
    app.openapi(
      createRoute({
        method: 'put',
        path: `/api/v1/${r.kind}/{id}`,
        summary: `Create or replace a ${r.one}`,
        security: [{ bearer: [] }],
        middleware: auth,
        request: { params, body: { content: { 'application/json': { schema: r.input } }, required: true } },
        responses: { 200: json(r.output, `The ${r.one}`), ...errorResponses(400, 401) },
      }),
      async (c) => {
        const body = c.req.valid('json') as object;
        r.check(body);
        store.put(r.kind, c.req.valid('param').id, body);
        // One loop serves three schemas; the stored record was validated by this route's schema.
        return c.json(get(c.req.valid('param').id) as never, 200);
      },
    );
    app.openapi(
      createRoute({ method: 'get', path: `/api/v1/${r.kind}`, summary: `Every ${r.one}`, security: [{ bearer: [] }], middleware: auth, responses: { 200: json(z.object({ [r.kind]: z.array(r.output) }), `${r.kind}`), ...errorResponses(401) } }),
      async (c) => c.json({ [r.kind]: store.list(r.kind) } as never, 200),
    );
    app.openapi(
      createRoute({ method: 'get', path: `/api/v1/${r.kind}/{id}`, summary: `One ${r.one}`, security: [{ bearer: [] }], middleware: auth, request: { params }, responses: { 200: json(r.output, `The ${r.one}`), ...errorResponses(401, 404) } }),
      async (c) => c.json(get(c.req.valid('param').id) as never, 200),
    );
    app.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/${r.kind}/{id}`,
        summary: `Delete a ${r.one} that nothing depends on`,
        security: [{ bearer: [] }],
        middleware: auth,
        request: { params },
        responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404, 409) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        get(id);
        const n = r.children(id);
        if (n > 0) throw new ApiError('conflict', `${r.one} ${id} still has ${n} ${r.kind === 'zones' ? 'rule(s)' : 'child record(s)'}; delete those first`);
        store.remove(r.kind, id);
        return c.body(null, 204);
      },
    );
  }
}
