#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadSimConfig, SimConfig } from './sim-config.ts';
import { startSimulation } from './simulation.ts';

const HELP = `ruong-sim — a simulated rice farm whose devices speak Ruộng's real protocols

Usage:
  ruong-sim --config farm.json [--speed N] [--seed N]
  ruong-sim --help

The config names zones, serial sensor nodes (each on a socat pty pair made in ptyDir, created if
missing, or on a given path) and MQTT sensor nodes (broker URL, id and secret), the report interval
in field seconds and fault rates. --speed N runs field time N times faster than wall time; the same
--seed gives the same weather and readings.
`;

function fail(message: string): never {
  process.stderr.write(`ruong-sim: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string', short: 'c' }, speed: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.values.help || !args.values.config) {
    process.stdout.write(HELP);
    if (!args.values.help) process.exit(2);
    return;
  }
  let config: SimConfig;
  try {
    config = loadSimConfig(args.values.config);
    const given = {
      ...(args.values.speed !== undefined && { speed: Number(args.values.speed) }),
      ...(args.values.seed !== undefined && { seed: Number(args.values.seed) }),
    };
    const overrides = SimConfig.pick({ speed: true, seed: true }).partial().safeParse(given);
    if (!overrides.success) throw new Error(`--${String(overrides.error.issues[0]!.path[0])}: ${overrides.error.issues[0]!.message}`);
    // Only what was given on the command line: the schema's defaults must not override the file.
    config = { ...config, ...Object.fromEntries(Object.keys(given).map((k) => [k, overrides.data[k as keyof typeof given]])) };
  } catch (err) {
    fail((err as Error).message);
  }
  const log = pino({ name: 'ruong-sim' });
  let sim;
  try {
    sim = await startSimulation(config, log);
  } catch (err) {
    fail((err as Error).message);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sim.stop();
    log.info('simulation stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

await main();
