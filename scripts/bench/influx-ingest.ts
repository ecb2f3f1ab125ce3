/**
 * Cloud ingest into InfluxDB beside the same points posted straight to the same influxd as line
 * protocol, same batches, same run. The two alternate over rounds, each path warmed up first, so
 * neither gets a fresher server, a colder JIT or a quieter moment of the machine; medians are reported,
 * with the CPU time each process spent per reading, which shows where the time goes.
 */
import type { Reading } from '@ruong/shared';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { readingsToLineProtocol } from '../../cloud/src/stores/influx-line-protocol.ts';
import { MEASUREMENT } from '../../cloud/src/stores/influx-telemetry-store.ts';
import { ingestRateOf, lineProtocolRate, postAll } from './cloud.ts';
import { cpuMs, start } from './processes.ts';

const gzipAsync = promisify(gzip);
const WARM_UP_BATCHES = 8;

/** Rates in readings (points) per second; CPU in µs per reading of each process. */
export type IngestRates = {
  senders: number;
  api: number;
  direct: number;
  /** Through `bare-forwarder.ts`: what a Node process costs that only carries the bytes through. */
  forwarded: number;
  ratios: number[];
  cpu: { cloud: number; influxdViaApi: number; influxdDirect: number; forwarder: number };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `measure`, returning its rate and the CPU µs per reading each of `pids` spent meanwhile. */
async function withCpu(pids: number[], readings: number, measure: () => Promise<number>): Promise<[number, number[]]> {
  const before = pids.map(cpuMs);
  const rate = await measure();
  return [rate, pids.map((pid, i) => ((cpuMs(pid) - before[i]!) * 1000) / readings)];
}

async function startForwarder(dir: string, influxUrl: string, lines: string[]) {
  const linesFile = join(dir, 'forwarder-lines.json');
  writeFileSync(linesFile, JSON.stringify(lines));
  const proc = start('scripts/bench/bare-forwarder.ts', [JSON.stringify({ influxUrl, database: 'forwarded', linesFile })]);
  const url = String((await proc.log('listening')).url);
  const rate = (bodies: Buffer[], senders = 1) =>
    postAll(bodies, senders, async (body, i) => {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Encoding': 'gzip', 'x-batch': String(i) }, body });
      if (res.status !== 200) throw new Error(`the bare forwarder answered ${res.status}`);
      await res.arrayBuffer();
    });
  return { proc, rate };
}

export async function influxIngestRates(options: {
  dir: string;
  influxUrl: string;
  influxdPid: number;
  cloudUrl: string;
  cloudPid: number;
  token: string;
  batches: Reading[][];
  senders: number[];
  rounds: number;
}): Promise<IngestRates[]> {
  const { influxUrl, cloudUrl, token, batches, rounds } = options;
  const total = batches.reduce((n, b) => n + b.length, 0);
  // The very lines the cloud writes, so both paths hand influxd the same bytes.
  const lines = batches.map((batch) => readingsToLineProtocol(MEASUREMENT, batch));
  // Every post through the API needs a batch id of its own, or the cloud answers it as a duplicate.
  const bodies = (tag: string) => Promise.all(batches.map((readings, b) => gzipAsync(JSON.stringify({ batchId: `bench-${tag}-${b}`, readings }))));
  const warm = await bodies('warm-up');
  await lineProtocolRate(influxUrl, 'direct', lines.slice(0, WARM_UP_BATCHES));
  await ingestRateOf(cloudUrl, token, warm.slice(0, WARM_UP_BATCHES));
  const forwarder = await startForwarder(options.dir, influxUrl, lines);
  await forwarder.rate(warm.slice(0, WARM_UP_BATCHES));
  const pids = [options.cloudPid, options.influxdPid];
  const results: IngestRates[] = [];
  for (const senders of options.senders) {
    const api: number[] = [];
    const direct: number[] = [];
    const forwarded: number[] = [];
    const cpu = { cloud: [] as number[], influxdViaApi: [] as number[], influxdDirect: [] as number[], forwarder: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const prepared = await bodies(`${senders}-${round}`);
      const [d, [, influxdDirect]] = await withCpu(pids, total, () => lineProtocolRate(influxUrl, 'direct', lines, senders));
      const [a, [cloud, influxdViaApi]] = await withCpu(pids, total, () => ingestRateOf(cloudUrl, token, prepared, senders));
      const [f, [forwarderCpu]] = await withCpu([forwarder.proc.child.pid!], total, () => forwarder.rate(prepared, senders));
      forwarded.push(f);
      cpu.forwarder.push(forwarderCpu!);
      direct.push(d);
      api.push(a);
      cpu.cloud.push(cloud!);
      cpu.influxdViaApi.push(influxdViaApi!);
      cpu.influxdDirect.push(influxdDirect!);
    }
    results.push({
      senders,
      api: median(api),
      direct: median(direct),
      forwarded: median(forwarded),
      ratios: api.map((a, i) => a / direct[i]!),
      cpu: { cloud: median(cpu.cloud), influxdViaApi: median(cpu.influxdViaApi), influxdDirect: median(cpu.influxdDirect), forwarder: median(cpu.forwarder) },
    });
  }
  await forwarder.proc.stop();
  return results;
}
