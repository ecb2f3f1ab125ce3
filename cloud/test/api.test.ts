import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from './test-cloud.ts';

describe('people-facing API', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(async () => cloud.stop());

  it('serves /healthz with the state of the telemetry store', async () => {
    const res = await fetch(`${cloud.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', telemetryStore: { kind: 'sqlite', ok: true } });
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const res = await fetch(`${cloud.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/ingest', '/api/v1/readings', '/api/v1/nodes', '/api/v1/gateways', '/healthz']));
    expect(JSON.stringify(doc.paths['/api/v1/ingest']!.post!.requestBody)).toContain('batchId');
    expect(doc.paths['/api/v1/readings']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['node', 'metric', 'from', 'to', 'every', 'agg']));
  });

  it('needs a person token for reads', async () => {
    const res = await fetch(`${cloud.url}/api/v1/nodes`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('explains a bad query', async () => {
    const res = await cloud.get('/api/v1/readings?from=yesterday&every=5minutes');
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((i) => i.path).sort()).toEqual(['every', 'from']);
    const missing = await cloud.get('/api/v1/readings?node=soil-1');
    expect(((await missing.json()) as { error: { issues: unknown[] } }).error.issues).toEqual([{ path: 'from', message: 'is required' }]);
  });

  it('registers a gateway once, and rotates its token on request', async () => {
    await cloud.registerGateway('gw-reg');
    await expect(cloud.registerGateway('gw-reg')).rejects.toThrow(/409/);
    const rotate = await fetch(`${cloud.url}/api/v1/gateways/gw-reg/token`, { method: 'POST', headers: { Authorization: 'Bearer test-admin-token-0123456789' } });
    expect(rotate.status).toBe(200);
    const missing = await fetch(`${cloud.url}/api/v1/gateways/nope/token`, { method: 'POST', headers: { Authorization: 'Bearer test-admin-token-0123456789' } });
    expect(missing.status).toBe(404);
    const list = (await (await cloud.get('/api/v1/gateways')).json()) as { gateways: { id: string }[] };
    expect(list.gateways.map((g) => g.id)).toContain('gw-reg');
  });

  it('answers unknown paths with the error shape and counts requests in /metrics', async () => {
    const res = await fetch(`${cloud.url}/api/v1/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    const metrics = await (await fetch(`${cloud.url}/metrics`)).text();
    expect(metrics).toMatch(/ruong_http_requests_total\{status="404"\} \d+/);
  });
});
