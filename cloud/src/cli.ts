#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { startCloud } from './cloud.ts';
import { parseCloudConfig, settingsHelp, type CloudConfig } from './config.ts';
import { copyTelemetry } from './stores/copy-telemetry.ts';
import { openTelemetryStore } from './stores/open-telemetry-store.ts';
import { SqliteTelemetryStore } from './stores/sqlite-telemetry-store.ts';
import { SqliteIrrigationStore } from './stores/sqlite-irrigation-store.ts';
import { SqliteMetadataStore } from './stores/sqlite-metadata-store.ts';
import { hashToken, newToken } from './tokens.ts';
import { NodeId } from '@ruong/shared';

const HELP = `ruong-cloud — the Ruộng cloud API

Usage:
  ruong-cloud                         run the API and the dashboard at /
  ruong-cloud register-gateway <id> [--farm <farmId>]
                                      register a gateway (for a farm) and print its token once;
                                      run again, it prints a new token and sets the farm when given
  ruong-cloud copy-telemetry          copy every reading of the embedded store (RUONG_DATA_DIR/telemetry.db)
                                      into the InfluxDB of the RUONG_INFLUX_* settings, with its hourly
                                      rollups; run again, it copies the same points again, no more
  ruong-cloud --help

Environment:
${settingsHelp()}
`;

function fail(message: string): never {
  process.stderr.write(`ruong-cloud: ${message}\n`);
  process.exit(2);
}

/** `ruong-cloud copy-telemetry`: the embedded store's history into InfluxDB, for a cloud moving to it. */
async function copyTelemetryCommand(config: CloudConfig): Promise<void> {
  if (config.RUONG_TELEMETRY_STORE !== 'influxdb') fail('copy-telemetry copies the embedded store into InfluxDB: set RUONG_TELEMETRY_STORE=influxdb and the RUONG_INFLUX_* settings (docs/deployment.md)');
  const file = join(config.RUONG_DATA_DIR, 'telemetry.db');
  if (!existsSync(file)) fail(`RUONG_DATA_DIR ${config.RUONG_DATA_DIR} holds no embedded telemetry store (telemetry.db) to copy`);
  const from = new SqliteTelemetryStore(file);
  // A database the user may not create stops here, with the statements to run (as the cloud would).
  const to = await openTelemetryStore(config, pino({ name: 'ruong-cloud', level: 'warn' }, pino.destination(2))).catch((err: Error) => fail(err.message));
  const total = from.count();
  const where = `InfluxDB ${config.RUONG_INFLUX_URL}, database "${config.RUONG_INFLUX_DATABASE}"`;
  let copied = 0;
  let shown = 0;
  try {
    await copyTelemetry(from, to, (n) => {
      copied = n;
      if (n - shown < 100_000 && n < total) return;
      shown = n;
      process.stderr.write(`copied ${n} of ${total} readings\n`);
    });
  } catch (err) {
    fail(`copy stopped after ${copied} of ${total} readings: ${(err as Error).message}; run it again once InfluxDB answers (what is copied already is written again, once)`);
  } finally {
    from.close();
  }
  // Closing recomputes the hourly rollups of every hour copied.
  await to.close();
  process.stdout.write(`copied ${copied} readings from ${file} to ${where}\n`);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, farm: { type: 'string' } } });
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  try {
    config = parseCloudConfig(process.env);
  } catch (err) {
    fail(`bad setting ${(err as Error).message}`);
  }
  const [command, id] = args.positionals;
  if (command === 'register-gateway') {
    if (!id || !NodeId.safeParse(id).success) fail('register-gateway needs a gateway id like field-gw-1 ([a-z0-9][a-z0-9_-]{0,63})');
    const farm = args.values.farm;
    const file = join(config.RUONG_DATA_DIR, 'cloud.db');
    if (farm !== undefined) {
      const registry = new SqliteIrrigationStore(file);
      const known = registry.list('farms').some((f) => f.id === farm);
      registry.close();
      if (!known) fail(`farm "${farm}" does not exist in ${config.RUONG_DATA_DIR}; create it first (PUT /api/v1/farms/${farm})`);
    }
    const meta = new SqliteMetadataStore(file);
    const token = newToken('rgw');
    const hash = hashToken(token);
    // A gateway already registered gets the new token, and the farm when one is given.
    const created = meta.createGateway(id, id, farm, hash, Date.now()) || (meta.setGatewayToken(id, hash) && (farm === undefined || meta.setGatewayFarm(id, farm)));
    meta.close();
    if (!created) fail(`could not register ${id}`);
    process.stdout.write(`${token}\n`);
    return;
  }
  if (command === 'copy-telemetry') return copyTelemetryCommand(config);
  if (args.values.farm !== undefined) fail('--farm belongs to register-gateway; see --help');
  if (command !== undefined && command !== 'serve') fail(`unknown command "${command}"; see --help`);

  // Every batch passes about a megabyte through buffers outside V8's heap (the inflated body, its line
  // protocol), and V8 counts that against a live heap of some tens of MB: it ran a full GC every couple of
  // dozen batches. Letting the heap grow to 4× its live size between full GCs, as V8 does by itself on
  // machines with much memory, took about a fifth off the CPU per reading ingested for some 30 MB more at peak.
  setFlagsFromString('--heap-growing-percent=300');
  const log = pino({ name: 'ruong-cloud', level: config.RUONG_LOG_LEVEL });
  let cloud;
  try {
    cloud = await startCloud(config, log);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`RUONG_PORT ${config.RUONG_PORT} is taken; choose another port`);
    // The embedded stores live in the data folder: a folder that cannot hold them is that setting's fault.
    if (e.syscall === 'mkdir' || e.code === 'ERR_SQLITE_ERROR') fail(`RUONG_DATA_DIR ${config.RUONG_DATA_DIR}: ${e.message}`);
    fail(e.message);
  }
  if (cloud.createdAdminToken) process.stderr.write(`Admin token (shown once, keep it): ${cloud.createdAdminToken}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
