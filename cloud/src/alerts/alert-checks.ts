import { ALERT_LIMITS, LOW_BATTERY_V, type Command } from '@ruong/shared';
import type { RegistryIndex } from '../registry-index.ts';
import type { GatewayRecord, NodeRecord } from '../stores/metadata-store.ts';
import type { LatestValue } from '../stores/telemetry-store.ts';
import type { Condition } from './alert-store.ts';

export type AlertLimits = { silentAfterMs: number; offlineAfterMs: number };

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * The conditions that hold now, from what the cloud knows: when each node and gateway last spoke,
 * each node's latest values, and each valve's latest finished command. Pure, so it is tested alone.
 */
export function alertConditions(
  input: { registry: RegistryIndex; nodes: readonly NodeRecord[]; gateways: readonly GatewayRecord[]; latest: readonly LatestValue[]; lastCommands: ReadonlyMap<string, Command> },
  limits: AlertLimits,
  now: number,
): Condition[] {
  const out: Condition[] = [];
  const { registry } = input;
  const measuring = new Set<string>();
  for (const z of registry.zones.values()) for (const n of [...z.sensors, ...z.weather, z.flowMeter]) if (n) measuring.add(n);

  for (const n of input.nodes) {
    const farmId = registry.farmOfNode(n.node);
    if (!farmId || !measuring.has(n.node) || now - n.lastSeen <= limits.silentAfterMs) continue;
    out.push({ kind: 'sensor_silent', farmId, subject: n.node, detail: `no reading for ${minutes(now - n.lastSeen)} (more than ${minutes(limits.silentAfterMs)})` });
  }
  for (const l of input.latest) {
    const farmId = registry.farmOfNode(l.node);
    if (!farmId) continue;
    if (l.metric === 'battery_voltage' && l.value < LOW_BATTERY_V) {
      out.push({ kind: 'battery_low', farmId, subject: l.node, detail: `battery ${l.value} V (below ${LOW_BATTERY_V} V)`, value: l.value });
    }
    const range = ALERT_LIMITS[l.metric];
    if (range && ((range.min !== undefined && l.value < range.min) || (range.max !== undefined && l.value > range.max))) {
      const limit = range.min !== undefined && l.value < range.min ? `below ${range.min}` : `above ${range.max}`;
      out.push({ kind: 'out_of_range', farmId, subject: `${l.node}/${l.metric}`, detail: `${l.metric} ${l.value} is ${limit}`, value: l.value });
    }
  }
  for (const g of input.gateways) {
    const since = g.lastContact ?? g.createdAt;
    if (now - since <= limits.offlineAfterMs) continue;
    for (const farmId of registry.farmsOfGateway(g)) {
      out.push({ kind: 'gateway_offline', farmId, subject: g.id, detail: g.lastContact ? `last contact ${minutes(now - since)} ago` : 'never made contact' });
    }
  }
  for (const [valve, c] of input.lastCommands) {
    const farmId = registry.farmOfNode(valve);
    if (!farmId || (c.state !== 'failed' && c.state !== 'expired')) continue;
    out.push({ kind: 'valve_unconfirmed', farmId, subject: valve, detail: `${c.action} ${c.state}${c.detail ? `: ${c.detail}` : ''}` });
  }
  return out;
}
