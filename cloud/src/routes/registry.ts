import { createRoute, z } from '@hono/zod-openapi';
import { Farm, FarmConfig, Field, FieldConfig, Zone, ZoneConfig, zoneNodes } from '@ruong/shared';
import type { Access } from '../access.ts';
import { ApiError } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'ids are [a-z0-9][a-z0-9_-]{0,63}');

type Kind = 'farms' | 'fields' | 'zones';
type Stored = { id: string; farmId?: string; fieldId?: string; cooperativeId?: string };

/**
 * The registry: farms, their fields, and the fields' irrigation zones (which nodes measure a zone,
 * which valve waters it). Each kind has the same four routes; a parent cannot be deleted while it
 * has children, and a child must name a parent that exists. Everyone reads what their farms hold;
 * staff change their cooperative's records.
 */
export function registerRegistry(app: CloudApp, deps: CloudDeps): void {
  const store = deps.irrigation;
  const exists = (kind: Kind, id: string) => store.list(kind).some((x) => x.id === id);
  const missingParent = (path: string, message: string) => new ApiError('bad_request', message, { issues: [{ path, message: 'does not exist' }] });
  const resources = [
    {
      kind: 'farms' as const,
      one: 'farm',
      input: FarmConfig,
      output: Farm,
      farmOf: (x: Stored, _a: Access) => x.id,
      /** A farm joins the cooperative of the staff member who writes it; admins name one. */
      prepare: (b: { cooperativeId?: string }, a: Access) => {
        const cooperativeId = b.cooperativeId ?? a.person.cooperativeId ?? undefined;
        if (!cooperativeId) throw new ApiError('bad_request', 'a farm belongs to a cooperative', { issues: [{ path: 'cooperativeId', message: 'required' }] });
        if (!deps.accounts.cooperatives().some((x) => x.id === cooperativeId)) throw missingParent('cooperativeId', `cooperative ${cooperativeId} does not exist`);
        a.require(a.canManageCooperative(cooperativeId), `add farms to cooperative ${cooperativeId}`);
        return { ...b, cooperativeId };
      },
      children: (id: string) => store.list<{ farmId: string }>('fields').filter((f) => f.farmId === id).length,
    },
    {
      kind: 'fields' as const,
      one: 'field',
      input: FieldConfig,
      output: Field,
      farmOf: (x: Stored) => x.farmId,
      prepare: (b: { farmId: string }, a: Access) => {
        if (!exists('farms', b.farmId)) throw missingParent('farmId', `farm ${b.farmId} does not exist`);
        a.require(a.canManageFarm(b.farmId), `change farm ${b.farmId}`);
        return b;
      },
      children: (id: string) => store.zones().filter((zn) => zn.fieldId === id).length,
    },
    {
      kind: 'zones' as const,
      one: 'zone',
      input: ZoneConfig,
      output: Zone,
      farmOf: (x: Stored, a: Access) => a.registry.farmOfField(x.fieldId),
      prepare: (b: ZoneConfig, a: Access) => {
        if (b.fieldId && !exists('fields', b.fieldId)) throw missingParent('fieldId', `field ${b.fieldId} does not exist`);
        const farmId = a.registry.farmOfField(b.fieldId);
        a.require(a.canManageFarm(farmId), b.fieldId ? `change the farm of field ${b.fieldId}` : 'keep zones outside a field');
        // A node reporting through another cooperative's gateway, or named by its zones, is theirs:
        // naming it here must not make its readings ours.
        const coopOf = (farm: string | undefined) => (farm === undefined ? undefined : a.registry.farms.get(farm)?.cooperativeId);
        const coop = coopOf(farmId);
        const owners = a.registry.gatewayFarmsOfNodes();
        const theirs = new Set([...a.registry.zones.values()].filter((z) => coopOf(a.registry.farmOfField(z.fieldId)) !== coop).flatMap(zoneNodes));
        const taken = zoneNodes(b).find((n) => (owners.has(n) ? coopOf(owners.get(n)) !== coop : theirs.has(n)));
        if (taken) {
          const path = b.sensors.includes(taken) ? `sensors.${b.sensors.indexOf(taken)}` : b.weather.includes(taken) ? `weather.${b.weather.indexOf(taken)}` : b.valve === taken ? 'valve' : 'flowMeter';
          throw new ApiError('bad_request', `node ${taken} belongs to another cooperative`, { issues: [{ path, message: 'belongs to another cooperative' }] });
        }
        return b;
      },
      children: (id: string) => store.rules().filter((r) => r.zoneId === id).length,
    },
  ];
  const auth = requirePerson(deps);
  for (const r of resources) {
    const params = z.object({ id: Id });
    const find = (id: string) => store.list<Stored>(r.kind).find((x) => x.id === id);
    /** A record the person cannot see does not exist, as far as they can tell. */
    const get = (id: string, a: Access) => {
      const found = find(id);
      if (!found || !a.canSeeFarm(r.farmOf(found, a))) throw new ApiError('not_found', `no ${r.one} ${id}`);
      return found;
    };
    app.openapi(
      createRoute({
        method: 'put',
        path: `/api/v1/${r.kind}/{id}`,
        summary: `Create or replace a ${r.one} (staff of its cooperative)`,
        security: [{ bearer: [] }],
        middleware: auth,
        request: { params, body: { content: { 'application/json': { schema: r.input } }, required: true } },
        responses: { 200: json(r.output, `The ${r.one}`), ...errorResponses(400, 401, 403) },
      }),
      async (c) => {
        const a = c.get('access');
        const { id } = c.req.valid('param');
        const before = find(id);
        if (before) a.require(a.canManageFarm(r.farmOf(before, a)), `change ${r.one} ${id}`);
        // One loop serves three schemas; each `prepare` takes the body its own route validated.
        const body = r.prepare(c.req.valid('json') as never, a);
        store.put(r.kind, id, body);
        deps.log.info({ [r.one]: id, by: a.person.username }, `${r.one} saved`);
        return c.json(find(id) as never, 200);
      },
    );
    app.openapi(
      createRoute({ method: 'get', path: `/api/v1/${r.kind}`, summary: `Every ${r.one} you can see`, security: [{ bearer: [] }], middleware: auth, responses: { 200: json(z.object({ [r.kind]: z.array(r.output) }), `${r.kind}`), ...errorResponses(401) } }),
      async (c) => {
        const a = c.get('access');
        return c.json({ [r.kind]: store.list<Stored>(r.kind).filter((x) => a.canSeeFarm(r.farmOf(x, a))) } as never, 200);
      },
    );
    app.openapi(
      createRoute({ method: 'get', path: `/api/v1/${r.kind}/{id}`, summary: `One ${r.one}`, security: [{ bearer: [] }], middleware: auth, request: { params }, responses: { 200: json(r.output, `The ${r.one}`), ...errorResponses(401, 404) } }),
      async (c) => c.json(get(c.req.valid('param').id, c.get('access')) as never, 200),
    );
    app.openapi(
      createRoute({
        method: 'delete',
        path: `/api/v1/${r.kind}/{id}`,
        summary: `Delete a ${r.one} that nothing depends on (staff of its cooperative)`,
        security: [{ bearer: [] }],
        middleware: auth,
        request: { params },
        responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
      }),
      async (c) => {
        const a = c.get('access');
        const { id } = c.req.valid('param');
        a.require(a.canManageFarm(r.farmOf(get(id, a), a)), `delete ${r.one} ${id}`);
        const n = r.children(id);
        if (n > 0) throw new ApiError('conflict', `${r.one} ${id} still has ${n} ${r.kind === 'zones' ? 'rule(s)' : 'child record(s)'}; delete those first`);
        store.remove(r.kind, id);
        return c.body(null, 204);
      },
    );
  }
}
