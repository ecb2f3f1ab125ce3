/**
 * Bench load: N MQTT nodes, each publishing M telemetry messages (4 readings each) at QoS 1 as fast as
 * the broker takes them. Runs in its own process so its CPU is not counted as the gateway's.
 * Usage: node publishers.ts '<json: {url, nodes: [{id, secret}], messages}>'
 */
import { encodeTelemetry, topics } from '@ruong/shared';
import mqtt from 'mqtt';

type Args = { url: string; nodes: { id: string; secret: string }[]; messages: number; startTs: number; perSecond?: number; firstSeq?: number };
const args = JSON.parse(process.argv[2]!) as Args;
const WINDOW = 1000;

async function publishAll(node: { id: string; secret: string }): Promise<void> {
  const client = await mqtt.connectAsync(args.url, { protocolVersion: 4, username: node.id, password: node.secret, reconnectPeriod: 1000 });
  const topic = topics.telemetry(node.id);
  let inflight = 0;
  let wake: (() => void) | undefined;
  // Paced: each node sends its share of `perSecond` messages a second, as a field does; else flat out.
  const interval = args.perSecond ? (1000 * args.nodes.length) / args.perSecond : 0;
  const t0 = performance.now();
  for (let seq = 0; seq < args.messages; seq++) {
    if (interval) {
      const due = t0 + seq * interval;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    // Sequence numbers go on from the previous run, as a node's do: the gateway drops repeats.
    const payload = encodeTelemetry({ seq: (args.firstSeq ?? 0) + seq, ts: args.startTs + seq * 1000, readings: { soil_moisture: 30 + (seq % 7), soil_temperature: 25.5, battery_voltage: 3.71, rssi: -67 } });
    inflight++;
    client.publish(topic, payload, { qos: 1 }, () => {
      inflight--;
      wake?.();
    });
    while (inflight >= WINDOW) await new Promise<void>((r) => (wake = r));
  }
  while (inflight > 0) await new Promise<void>((r) => (wake = r));
  await client.endAsync();
}

const t0 = performance.now();
await Promise.all(args.nodes.map(publishAll));
process.stdout.write(`${JSON.stringify({ elapsedMs: performance.now() - t0 })}\n`);
