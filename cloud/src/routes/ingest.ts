import { createRoute } from '@hono/zod-openapi';
import { IngestBatch, IngestReply, parseIngestBatch, scanIngestBatch, toIssues, type ReadingSource } from '@ruong/shared';
import { ApiError, storeUnavailable } from '../api-error.ts';
import type { CloudApp, CloudDeps } from '../app-env.ts';
import { requireGateway } from '../auth.ts';
import { rateLimit } from '../rate-limit.ts';
import { inflatedBody } from '../request-body.ts';
import { errorResponses, json } from './responses.ts';

export function registerIngest(app: CloudApp, deps: CloudDeps): void {
  const route = createRoute({
    method: 'post',
    path: '/api/v1/ingest',
    summary: 'Upload a batch of readings from a gateway',
    description:
      'Idempotent by batchId: a batch sent again is stored once and answered 200 with duplicate=true. ' +
      'The body may be gzip (Content-Encoding: gzip); the size limit applies to the inflated body.',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: IngestBatch } }, required: true } },
    responses: {
      200: json(IngestReply, 'Stored (or already stored); commands waiting for this gateway'),
      ...errorResponses(400, 401, 413, 415, 429, 503),
    },
  });
  const countBatch = deps.metrics.counter('ruong_ingest_batches_total', 'Batches received, by result');
  const countReadings = deps.metrics.counter('ruong_ingest_readings_total', 'Readings stored');
  const countParsed = deps.metrics.counter('ruong_ingest_parsed_batches_total', 'Valid batches, by how they were read: one pass over the bytes (scan), or JSON.parse and the schema (json)');

  // Documented from the schema like every route, but parsed by `parseBody`: the same answers as the
  // schema, without running zod over each of thousands of readings (the hot path of the cloud).
  app.openAPIRegistry.registerPath(route);
  const middleware = [requireGateway(deps), rateLimit(deps.ingestRate.perSecond, deps.ingestRate.burst, (c) => c.get('gateway')), inflatedBody(deps.maxBodyBytes)] as const;
  app.post(route.path, ...middleware, async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType)) throw new ApiError('unsupported_media_type', `Content-Type ${contentType || '(none)'} is not supported; send application/json`);
    const { batch, source } = parseBody(c.get('body'));
    countParsed({ by: source ? 'scan' : 'json' });
    const gateway = c.get('gateway');
    const now = deps.now();
    // Acks first: they are idempotent, and a resent batch may carry newer ones than its first try.
    for (const ack of batch.acks) deps.commands.applyAck(gateway, ack);
    for (const d of batch.decisions) deps.irrigation.addDecision({ ...d, origin: 'gateway' });
    const seen = deps.meta.batchAccepted(gateway, batch.batchId);
    if (seen !== undefined) {
      deps.meta.recordContact(gateway, now, batch.health);
      countBatch({ result: 'duplicate' });
      return c.json({ batchId: batch.batchId, accepted: seen, duplicate: true, commands: deps.commands.pendingFor(gateway) }, 200);
    }
    try {
      await deps.telemetry.write(batch.readings, source);
      // A heartbeat asks the store nothing, so only readings stored show it answering.
      if (batch.readings.length) deps.storeOutage.recovered();
    } catch (err) {
      // The gateway did reach the cloud: it stays online on the dashboard, its health showing the backlog.
      deps.meta.recordContact(gateway, now, batch.health);
      countBatch({ result: 'store_unavailable' });
      deps.storeOutage.failed({ err, gateway, batchId: batch.batchId }, 'telemetry store refused a batch');
      throw storeUnavailable(`telemetry store (${deps.telemetry.kind}) is unavailable; the batch was not stored`, err);
    }
    const lastSeen = new Map<string, number>();
    for (const r of batch.readings) if ((lastSeen.get(r.node) ?? 0) < r.ts) lastSeen.set(r.node, r.ts);
    // Only now, after the readings are stored, is the batch on the ledger and acknowledged.
    deps.meta.recordBatch(gateway, { batchId: batch.batchId, accepted: batch.readings.length, lastSeen, health: batch.health }, now);
    // Rules run before the reply, so a command they make also rides back on it.
    await deps.evaluator.afterIngest(lastSeen);
    countBatch({ result: 'stored' });
    countReadings({}, batch.readings.length);
    deps.log.debug({ gateway, batchId: batch.batchId, readings: batch.readings.length, acks: batch.acks.length }, 'batch stored');
    return c.json({ batchId: batch.batchId, accepted: batch.readings.length, duplicate: false, commands: deps.commands.pendingFor(gateway) }, 200);
  });
}

/**
 * A gateway's batch, valid or refused with the schema's own issues. Batches as gateways write them are
 * scanned in one pass that also notes where each reading's text sits; anything else takes JSON.parse
 * and the schema.
 */
function parseBody(body: Buffer): { batch: IngestBatch; source?: ReadingSource } {
  const scanned = scanIngestBatch(body);
  if (scanned) return scanned;
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ApiError('bad_request', `request body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = parseIngestBatch(raw);
  if (!parsed.success) throw new ApiError('bad_request', 'the request is not valid', { issues: toIssues(parsed.error) });
  return { batch: parsed.data };
}
