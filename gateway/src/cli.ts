#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadGatewayConfig } from './config.ts';
import { startGateway } from './gateway.ts';

const HELP = `ruong-gateway — the Ruộng field gateway

Usage:
  ruong-gateway --config /etc/ruong/gateway.json
  ruong-gateway --help

Reads sensor nodes on serial lines and MQTT, keeps every reading in an outbox on disk, and uploads
batches to the Ruộng cloud. The config file is JSON, at least:
  {"gatewayId": "field-gw-1", "cloud": {"url": "https://cloud.example", "token": "<printed at registration>"},
   "serial": [{"path": "/dev/ttyUSB0"}], "nodes": {"soil-11": {"secret": "a-long-random-secret"}}}
docs/deployment.md in the Ruộng repository describes every setting; one the gateway does not know
stops it with a line naming it.

Environment (overrides the file):
  RUONG_GATEWAY_ID, RUONG_GATEWAY_DATA_DIR, RUONG_CLOUD_URL, RUONG_GATEWAY_TOKEN,
  RUONG_MQTT_PORT, RUONG_LOG_LEVEL
`;

function fail(message: string): never {
  process.stderr.write(`ruong-gateway: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return;
  }
  // Without a file the environment must say everything; with neither, the way to start is --config.
  if (args.values.config === undefined && !process.env.RUONG_GATEWAY_ID) fail('needs --config <file> (see --help)');
  let config;
  try {
    config = loadGatewayConfig(args.values.config, process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const log = pino({ name: 'ruong-gateway', level: config.logLevel });
  let gateway;
  try {
    gateway = await startGateway(config, log);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
