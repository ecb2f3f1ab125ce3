import type { Logger } from 'pino';
import { SimClock } from './clock.ts';
import { MqttSensorNode } from './devices/mqtt-sensor-node.ts';
import { MqttValveNode } from './devices/mqtt-valve-node.ts';
import { SerialSensorNode } from './devices/serial-sensor-node.ts';
import { Farm } from './farm.ts';
import { createPtyPair, type PtyPair } from './pty-pair.ts';
import type { SimConfig } from './sim-config.ts';

export type Simulation = { farm: Farm; stop(): Promise<void> };

/** Starts a simulated farm and its devices as the config describes. */
export async function startSimulation(config: SimConfig, log: Logger): Promise<Simulation> {
  const clock = config.historyHours
    ? new SimClock(Date.now() - config.historyHours * 3_600_000, config.speed, { catchUp: true })
    : new SimClock(config.start ?? Date.now(), config.speed);
  const farm = new Farm(clock, config.seed, config.zones);
  const intervalMs = config.intervalSec * 1000;
  const ptys: PtyPair[] = [];
  const devices: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const d of devices) await d.stop().catch(() => {});
    for (const p of ptys) await p.close();
    clock.stopAll();
  };
  try {
    for (const [i, s] of config.serial.entries()) {
      let path = s.path;
      if (!path) {
        if (!config.ptyDir) throw new Error(`serial node ${s.id} has no path and the config has no ptyDir`);
        const pty = await createPtyPair(config.ptyDir, s.id);
        ptys.push(pty);
        path = pty.simPath;
        log.info({ node: s.id, gatewayPath: pty.gatewayPath }, 'pty ready');
      }
      const node = new SerialSensorNode({ id: s.id, path, kind: s.kind, zone: s.zone, intervalMs, faults: config.faults, seed: config.seed * 100 + i }, farm);
      await node.start();
      devices.push(node);
    }
    for (const [i, m] of (config.mqtt?.nodes ?? []).entries()) {
      const node = new MqttSensorNode(
        { id: m.id, secret: m.secret, brokerUrl: config.mqtt!.url, kind: m.kind, zone: m.zone, intervalMs, faults: config.faults, seed: config.seed * 1000 + i },
        farm,
      );
      await node.start();
      devices.push(node);
    }
    for (const v of config.mqtt?.valves ?? []) {
      const valve = new MqttValveNode({ ...v, brokerUrl: config.mqtt!.url, intervalMs }, farm);
      await valve.start();
      devices.push(valve);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log.info({ serial: config.serial.length, mqtt: config.mqtt?.nodes.length ?? 0, valves: config.mqtt?.valves.length ?? 0, speed: config.speed, seed: config.seed }, 'simulation running');
  return { farm, stop };
}
