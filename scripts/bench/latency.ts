/**
 * Reading to valve: the time from a sensor node publishing a reading that crosses a rule's threshold
 * to the valve node receiving the command, through the real gateway (bundle), the real cloud and the
 * real MQTT; p50 and p99 over `runs` crossings.
 */
import { encodeTelemetry, topics, type NodeCommand } from '@ruong/shared';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { freePort, start, writeJson, type Proc } from './processes.ts';

export async function readingToValveLatency(dir: string, cloudUrl: string, admin: string, token: string, runs: number): Promise<{ p50: number; p99: number }> {
  const auth = { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' };
  const mqttPort = await freePort();
  const config = writeJson(join(dir, 'gw-latency.json'), {
    gatewayId: 'gw-latency',
    dataDir: join(dir, 'gw-latency'),
    logLevel: 'warn',
    cloud: { url: cloudUrl, token },
    mqtt: { mode: 'embedded', host: '127.0.0.1', port: mqttPort },
    nodes: { 'lat-soil': { secret: 'lat-secret-1' }, 'lat-valve': { secret: 'lat-secret-2', kind: 'valve' } },
  });
  const gateway: Proc = start('gateway/dist/cli.js', ['--config', config], { RUONG_LOG_LEVEL: 'info' });
  await gateway.log('gateway started');
  const url = `mqtt://127.0.0.1:${mqttPort}`;
  const sensor = await mqtt.connectAsync(url, { protocolVersion: 4, username: 'lat-soil', password: 'lat-secret-1' });
  const valve = await mqtt.connectAsync(url, { protocolVersion: 4, username: 'lat-valve', password: 'lat-secret-2' });
  let onCommand: (cmd: NodeCommand) => void = () => {};
  valve.on('message', (_topic, payload) => {
    const cmd = JSON.parse(payload.toString()) as NodeCommand;
    valve.publish(topics.cmdAck('lat-valve'), JSON.stringify({ id: cmd.id, status: 'done' }), { qos: 1 });
    valve.publish(topics.telemetry('lat-valve'), encodeTelemetry({ ts: Date.now(), readings: { valve_state: cmd.action === 'valve.open' ? 1 : 0 } }), { qos: 1 });
    onCommand(cmd);
  });
  await valve.subscribeAsync(topics.cmd('lat-valve'), { qos: 1 });
  await valve.publishAsync(topics.status('lat-valve'), 'online', { qos: 1, retain: true });
  await valve.publishAsync(topics.telemetry('lat-valve'), encodeTelemetry({ ts: Date.now(), readings: { valve_state: 0 } }), { qos: 1 });

  await fetch(`${cloudUrl}/api/v1/zones/lat-zone`, { method: 'PUT', headers: auth, body: JSON.stringify({ name: 'latency', sensors: ['lat-soil'], valve: 'lat-valve' }) });
  await fetch(`${cloudUrl}/api/v1/rules/lat-rule`, {
    method: 'PUT',
    headers: auth,
    // A 120 ms window: each reading alone decides, so every crossing opens or closes the valve.
    body: JSON.stringify({ zoneId: 'lat-zone', mode: { type: 'threshold', startBelow: 25, stopAbove: 30, windowMin: 0.002 }, cooldownMin: 0, staleAfterMin: 0.002 }),
  });
  const pause = () => new Promise((r) => setTimeout(r, 150));
  const until = (action: NodeCommand['action']) => new Promise<number>((resolve) => (onCommand = (c) => c.action === action && resolve(performance.now())));
  const send = (value: number) => sensor.publishAsync(topics.telemetry('lat-soil'), encodeTelemetry({ ts: Date.now(), readings: { soil_moisture: value } }), { qos: 1 });
  // Let the boot close and the first readings settle before timing.
  await send(28);
  await new Promise((r) => setTimeout(r, 500));
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const opened = until('valve.open');
    const t0 = performance.now();
    await send(20);
    latencies.push((await opened) - t0);
    await pause();
    const closed = until('valve.close');
    await send(35);
    await closed;
    await pause();
  }
  await sensor.endAsync();
  await valve.endAsync();
  await gateway.stop();
  latencies.sort((a, b) => a - b);
  return { p50: latencies[Math.floor(runs * 0.5)]!, p99: latencies[Math.min(runs - 1, Math.floor(runs * 0.99))]! };
}
