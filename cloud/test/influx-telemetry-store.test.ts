import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { InfluxTelemetryStore } from '../src/stores/influx-telemetry-store.ts';
import { influxOptions, startInfluxd, type Influxd } from './influxd.ts';
import { telemetryStoreContract } from './telemetry-store.contract.ts';

let influxd: Influxd;
let n = 0;
beforeAll(async () => {
  influxd = await startInfluxd();
}, 60_000);
afterAll(async () => influxd?.dispose());

telemetryStoreContract('InfluxDB 1.6 (real influxd)', async () => InfluxTelemetryStore.open(influxOptions(influxd.url, `contract_${++n}`), pino({ level: 'silent' })));
