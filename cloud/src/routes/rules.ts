import { createRoute, z } from '@hono/zod-openapi';
import { DecisionRecord, IrrigationRule, RuleId, TimeParam } from '@ruong/shared';
import { ApiError } from '../api-error.ts';
import type { Access } from '../access.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requirePerson } from '../auth.ts';
import { errorResponses, json } from './responses.ts';

const RuleBody = IrrigationRule.omit({ id: true, version: true });
const RuleVersion = z.object({ version: z.number(), at: z.number(), by: z.string(), rule: IrrigationRule });
const SimulateBody = z.object({
  from: TimeParam,
  to: TimeParam,
  stepMin: z.number().positive().max(24 * 60).default(15),
  /** A rule to try instead of the saved one (to preview changes before saving). */
  rule: RuleBody.optional(),
});
const Decisions = z.object({ decisions: z.array(DecisionRecord.omit({ id: true })) });

export function registerRules(app: CloudApp, deps: CloudDeps): void {
  const auth = requirePerson(deps);
  const staff = requirePerson(deps, 'staff', 'admin');
  /** The zone a rule waters, which the person must be able to manage. */
  const zoneOf = (zoneId: string, a: Access) => {
    const zone = deps.irrigation.zone(zoneId);
    if (!zone || !a.canSeeZone(zoneId)) throw new ApiError('bad_request', `zone ${zoneId} does not exist`, { issues: [{ path: 'zoneId', message: 'no such zone' }] });
    a.require(a.canManageFarm(a.registry.farmOfZone(zoneId)), `change the rules of zone ${zoneId}`);
    return zone;
  };
  /** A saved rule the person can see, or 404. */
  const visibleRule = (id: string, a: Access) => {
    const rule = deps.irrigation.rule(id);
    return rule && a.canSeeZone(rule.zoneId) ? rule : undefined;
  };
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/rules/{id}',
      summary: 'Save a new version of a rule (every version is kept, with who saved it and when); staff',
      security: [{ bearer: [] }],
      middleware: staff,
      request: { params: z.object({ id: RuleId }), body: { content: { 'application/json': { schema: RuleBody } }, required: true } },
      responses: { 200: json(IrrigationRule, 'The saved rule with its new version'), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const a = c.get('access');
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const before = deps.irrigation.rule(id);
      if (before) a.require(a.canManageFarm(a.registry.farmOfZone(before.zoneId)), `change rule ${id}`);
      zoneOf(body.zoneId, a);
      // A zone is watered by one rule at a time; a second one switched on would silently do nothing.
      const other = body.enabled ? deps.irrigation.rules().find((r) => r.zoneId === body.zoneId && r.enabled && r.id !== id) : undefined;
      if (other) throw new ApiError('conflict', `zone ${body.zoneId} is already watered by rule ${other.id}; turn that one off first, or save this one turned off`, { issues: [{ path: 'enabled', message: `rule ${other.id} is on for this zone` }] });
      const saved = deps.irrigation.putRule({ ...body, id }, a.person.username, deps.now());
      deps.log.info({ rule: saved.id, version: saved.version, by: a.person.username }, 'rule saved');
      return c.json(saved, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/rules', summary: 'The rules of the zones you can see, current version', security: [{ bearer: [] }], middleware: auth, responses: { 200: json(z.object({ rules: z.array(IrrigationRule) }), 'Rules'), ...errorResponses(401) } }),
    async (c) => c.json({ rules: deps.irrigation.rules().filter((r) => c.get('access').canSeeZone(r.zoneId)) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/rules/{id}/versions',
      summary: 'Every version of a rule: the audit trail',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { params: z.object({ id: RuleId }) },
      responses: { 200: json(z.object({ versions: z.array(RuleVersion) }), 'Versions, oldest first'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!visibleRule(id, c.get('access'))) throw new ApiError('not_found', `no rule ${id}`);
      return c.json({ versions: deps.irrigation.ruleVersions(id) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/rules/{id}/simulate',
      summary: 'Replay a rule over stored history and return the decisions it would have made; staff',
      security: [{ bearer: [] }],
      middleware: staff,
      request: { params: z.object({ id: RuleId }), body: { content: { 'application/json': { schema: SimulateBody } }, required: true } },
      responses: { 200: json(Decisions, 'Decisions, oldest first'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const a = c.get('access');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const saved = visibleRule(id, a);
      const rule = body.rule ? { ...body.rule, id, version: saved?.version ?? 0 } : saved;
      if (!rule) throw new ApiError('not_found', `no rule ${id}; send one in "rule" to try it`);
      if (body.to <= body.from) throw new ApiError('bad_request', 'to must be after from', { issues: [{ path: 'to', message: 'must be after from' }] });
      if ((body.to - body.from) / (body.stepMin * 60_000) > 10_000) throw new ApiError('bad_request', 'more than 10 000 steps; use a larger stepMin or a shorter range');
      return c.json({ decisions: await deps.evaluator.simulate(zoneOf(rule.zoneId, a), rule, body.from, body.to, body.stepMin) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/decisions',
      summary: 'Decision records of the zones you can see, newest first: why irrigation happened or did not',
      security: [{ bearer: [] }],
      middleware: auth,
      request: { query: z.object({ zone: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: { 200: json(z.object({ decisions: z.array(DecisionRecord) }), 'Decisions'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const a = c.get('access');
      const q = c.req.valid('query');
      if (q.zone !== undefined && !a.canSeeZone(q.zone)) throw new ApiError('not_found', `no zone ${q.zone}`);
      const zones = q.zone !== undefined || a.isAdmin ? undefined : deps.irrigation.zones().filter((z) => a.canSeeZone(z.id)).map((z) => z.id);
      return c.json({ decisions: deps.irrigation.decisions({ ...q, ...(zones && { zones }) }) }, 200);
    },
  );
}
