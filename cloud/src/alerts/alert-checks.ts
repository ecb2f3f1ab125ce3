import { ALERT_LIMITS, alertText, LOW_BATTERY_V, type AlertKind, type Command } from '@ruong/shared';
import type { RegistryIndex } from '../registry-index.ts';
import type { GatewayRecord, NodeRecord } from '../stores/metadata-store.ts';
import type { LatestValue } from '../stores/telemetry-store.ts';
import type { Condition } from './alert-store.ts';

export type AlertLimits = { silentAfterMs: number; offlineAfterMs: number };

/** The alerts made from nodes' latest readings: while the store of readings is down they can be neither raised nor cleared. */
export const FROM_LATEST_READINGS: readonly AlertKind[] = ['battery_low', 'out_of_range'];

const minutes = (ms: number) => Math.round(ms / 60_000);

/** A condition with its facts, and its detail in English made from them. */
function condition(kind: AlertKind, farmId: string, subject: string, n: Record<string, number | string>, value?: number): Condition {
  return { kind, farmId, subject, n, detail: alertText(kind, n), ...(value !== undefined && { value }) };
}

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

  // Readings still waiting in a gateway's outbox are not silence: the cloud knows each node only up to
  // the oldest of them, so a gateway delivering a backlog (after an outage, or a replayed history) raises nothing.
  const knownUntil = new Map(input.gateways.map((g) => [g.id, Math.min(now, g.health?.oldestUnsentTs ?? now)]));
  for (const n of input.nodes) {
    const farmId = registry.farmOfNode(n.node);
    const silentMs = (knownUntil.get(n.gateway) ?? now) - n.lastSeen;
    if (!farmId || !measuring.has(n.node) || silentMs <= limits.silentAfterMs) continue;
    out.push(condition('sensor_silent', farmId, n.node, { min: minutes(silentMs), limit: minutes(limits.silentAfterMs) }));
  }
  for (const l of input.latest) {
    const farmId = registry.farmOfNode(l.node);
    if (!farmId) continue;
    if (l.metric === 'battery_voltage' && l.value < LOW_BATTERY_V) {
      out.push(condition('battery_low', farmId, l.node, { volts: l.value, limit: LOW_BATTERY_V }, l.value));
    }
    const range = ALERT_LIMITS[l.metric];
    const below = range?.min !== undefined && l.value < range.min;
    if (range && (below || (range.max !== undefined && l.value > range.max))) {
      out.push(condition('out_of_range', farmId, `${l.node}/${l.metric}`, { metric: l.metric, value: l.value, ...(below ? { min: range.min! } : { max: range.max! }) }, l.value));
    }
  }
  for (const g of input.gateways) {
    const since = g.lastContact ?? g.createdAt;
    if (now - since <= limits.offlineAfterMs) continue;
    for (const farmId of registry.farmsOfGateway(g)) {
      out.push(condition('gateway_offline', farmId, g.id, g.lastContact ? { min: minutes(now - since) } : {}));
    }
  }
  for (const g of input.gateways) {
    // As its last health said: a gateway gone offline since is still holding readings it could not write.
    const failing = g.health?.outboxFailing;
    if (!failing) continue;
    for (const farmId of registry.farmsOfGateway(g)) {
      out.push(condition('gateway_card', farmId, g.id, { min: minutes(now - failing.since), held: failing.heldReadings, error: failing.error }));
    }
  }
  for (const [valve, c] of input.lastCommands) {
    const farmId = registry.farmOfNode(valve);
    if (!farmId || (c.state !== 'failed' && c.state !== 'expired')) continue;
    out.push(condition('valve_unconfirmed', farmId, valve, { action: c.action, state: c.state, ...(c.detail && { detail: c.detail }) }));
  }
  return out;
}
