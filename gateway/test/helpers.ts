import type { Series } from '@ruong/shared';
import type { ReadingSet } from '@ruong/shared';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { GatewayConfig } from '../src/config.ts';
import { startGateway, type Gateway } from '../src/gateway.ts';
import type { TestCloud } from '../../cloud/test/test-cloud.ts';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ruong-${prefix}-`));
}

/**
 * Runs `fn` with no file of this process allowed to grow: writes fail (EFBIG; Node ignores SIGXFSZ) as
 * they do on a full card. A gateway process of its own gets the same with `prlimit --pid`.
 */
export async function withFullCard<T>(fn: () => T | Promise<T>): Promise<T> {
  execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=1:']);
  try {
    return await fn();
  } finally {
    execFileSync('prlimit', ['--pid', String(process.pid), '--fsize=unlimited:']);
  }
}

/**
 * Resolves when `check` holds, re-checking whenever one of `events` fires (and every `pollMs` for
 * conditions outside this process); rejects with `what` after `timeoutMs`.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, pollMs = 50, events = [] as [EventEmitter<any>, string][] } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        for (const [emitter, name] of events) emitter.off(name, done);
        resolve();
      }
      for (const [emitter, name] of events) emitter.once(name, done);
    });
  }
}

/** A gateway in this process with a fresh data folder, uploading to `cloudUrl`. */
export async function startTestGateway(
  overrides: Record<string, unknown> & { cloud: { url: string; token: string } & Record<string, unknown> },
  log = pino({ level: process.env.RUONG_TEST_LOG ?? 'silent' }),
): Promise<Gateway & { config: GatewayConfig }> {
  const config = GatewayConfig.parse({
    gatewayId: 'gw-test',
    dataDir: tempDir('gateway'),
    mqtt: { mode: 'off' },
    ...overrides,
    cloud: { batchMaxAgeMs: 50, retryMinMs: 50, retryMaxMs: 500, ...overrides.cloud },
    outbox: { commitIntervalMs: 5, ...(overrides.outbox as object) },
  });
  const gateway = await startGateway(config, log);
  return Object.assign(gateway, { config });
}

/** Every (node, metric, ts, value) the sim says it sent, as the readings API would return them. */
export function expectedPoints(sets: readonly ReadingSet[]): Map<string, [number, number][]> {
  const byKey = new Map<string, [number, number][]>();
  for (const s of sets) {
    for (const [metric, value] of Object.entries(s.readings)) {
      const key = `${s.node}/${metric}`;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push([s.ts!, value]);
    }
  }
  for (const points of byKey.values()) points.sort((a, b) => a[0] - b[0]);
  return byKey;
}

/** What the cloud's readings API holds for these nodes, keyed like expectedPoints. */
export async function storedPoints(cloud: TestCloud, nodes: string[], from = 0): Promise<Map<string, [number, number][]>> {
  const q = nodes.map((n) => `node=${encodeURIComponent(n)}`).join('&');
  const res = await cloud.get(`/api/v1/readings?${q}&from=${from}&to=7258118400000`);
  const { series } = (await res.json()) as { series: Series[] };
  return new Map(series.map((s) => [`${s.node}/${s.metric}`, s.points as [number, number][]]));
}

export function countPoints(points: Map<string, unknown[]>): number {
  let n = 0;
  for (const p of points.values()) n += p.length;
  return n;
}
