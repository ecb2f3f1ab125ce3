import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CloudConfig } from '../config.ts';
import { InfluxTelemetryStore } from './influx-telemetry-store.ts';
import { SqliteTelemetryStore } from './sqlite-telemetry-store.ts';
import type { TelemetryStore } from './telemetry-store.ts';

/** The telemetry store the configuration asks for: embedded SQLite by default, or InfluxDB. */
export async function openTelemetryStore(config: CloudConfig, log: Logger): Promise<TelemetryStore> {
  if (config.RUONG_TELEMETRY_STORE === 'sqlite') return new SqliteTelemetryStore(join(config.RUONG_DATA_DIR, 'telemetry.db'));
  return InfluxTelemetryStore.open(
    {
      url: config.RUONG_INFLUX_URL,
      database: config.RUONG_INFLUX_DATABASE,
      token: config.RUONG_INFLUX_TOKEN,
      username: config.RUONG_INFLUX_USERNAME,
      password: config.RUONG_INFLUX_PASSWORD,
      timeoutMs: config.RUONG_INFLUX_TIMEOUT_MS,
      manageSchema: config.RUONG_INFLUX_MANAGE_SCHEMA,
      retention: {
        raw: { name: config.RUONG_INFLUX_RETENTION_POLICY, duration: config.RUONG_INFLUX_RAW_RETENTION },
        rollup: { name: config.RUONG_INFLUX_ROLLUP_RETENTION_POLICY, duration: config.RUONG_INFLUX_ROLLUP_RETENTION },
      },
    },
    log,
  );
}
