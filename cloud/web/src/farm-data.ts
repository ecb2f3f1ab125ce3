import { zoneNodes, type Alert, type Command, type Farm, type Field, type IrrigationRule, type NodeSummary, type Series, type Zone } from '@ruong/shared';
import { api, query } from './api.ts';
import { isStoreDown } from './failure.ts';
import type { GatewaySeen } from './gateway-backlog.ts';
import { valveOpenByCommands } from './valve-state.ts';

export type Gateway = GatewaySeen & { id: string; name: string; farmId?: string };

/** What the overview shows of one zone. */
export type ZoneView = {
  zone: Zone;
  rule: IrrigationRule | undefined;
  moisture: number | undefined;
  /** Change of the mean moisture over the last 6 hours, in % points. */
  trend: number | undefined;
  valveOpen: boolean | undefined;
  lastRun: { at: number; durationSec: number | undefined } | undefined;
  rain24h: number | undefined;
  batteries: { node: string; volts: number }[];
  gateways: Gateway[];
};

export type FarmView = {
  farm: Farm;
  zones: ZoneView[];
  alerts: Alert[];
  nodes: NodeSummary[];
  gateways: Gateway[];
  /** The cloud's store of readings is down: no readings, but zones, valves, gateways and alerts as usual. */
  readingsDown: boolean;
  loadedAt: number;
};

const HOUR = 3_600_000;

export async function loadFarms(): Promise<Farm[]> {
  return (await api<{ farms: Farm[] }>('/api/v1/farms')).farms;
}

/** The zones of a farm, through the fields that hold them. */
export async function loadZones(farmId: string): Promise<Zone[]> {
  const [{ fields }, { zones }] = await Promise.all([api<{ fields: Field[] }>('/api/v1/fields'), api<{ zones: Zone[] }>('/api/v1/zones')]);
  const mine = new Set(fields.filter((f) => f.farmId === farmId).map((f) => f.id));
  return zones.filter((z) => z.fieldId !== undefined && mine.has(z.fieldId));
}

export async function loadRules(): Promise<IrrigationRule[]> {
  return (await api<{ rules: IrrigationRule[] }>('/api/v1/rules')).rules;
}

export async function loadNodes(): Promise<NodeSummary[]> {
  return (await api<{ nodes: NodeSummary[] }>('/api/v1/nodes')).nodes;
}

export async function loadSeries(params: { node: readonly string[]; metric: string; from: number; to?: number; every?: string; agg?: string }): Promise<Series[]> {
  if (params.node.length === 0) return [];
  return (await api<{ series: Series[] }>(`/api/v1/readings?${query(params)}`)).series;
}

export async function loadCommands(node?: string, limit = 50): Promise<Command[]> {
  return (await api<{ commands: Command[] }>(`/api/v1/commands?${query({ node, limit })}`)).commands;
}

/** The runs of a valve: each `valve.open` the valve confirmed, from when it opened, for how long. */
export function runsOf(commands: readonly Command[]): { at: number; durationSec: number | undefined }[] {
  return commands
    .filter((c) => c.action === 'valve.open' && c.state === 'done')
    .map((c) => ({ at: c.doneAt ?? c.createdAt, durationSec: c.durationSec }))
    .sort((a, b) => a.at - b.at);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

/** `nodes` is undefined while the store of readings is down: the zone shows without readings. */
async function zoneView(zone: Zone, rules: IrrigationRule[], nodes: Map<string, NodeSummary> | undefined, gateways: Gateway[], now: number): Promise<ZoneView> {
  const [trendSeries, rainSeries, commands] = await Promise.all([
    nodes ? loadSeries({ node: zone.sensors, metric: 'soil_moisture', from: now - 6 * HOUR, every: '1h', agg: 'mean' }) : [],
    nodes ? loadSeries({ node: zone.weather, metric: 'rainfall', from: now - 24 * HOUR, every: '1h', agg: 'sum' }) : [],
    zone.valve && (!nodes || nodes.has(zone.valve)) ? loadCommands(zone.valve, 20) : Promise.resolve([]),
  ]);
  const trends = trendSeries.filter((s) => s.points.length >= 2).map((s) => s.points.at(-1)![1] - s.points[0]![1]);
  const rainByNode = rainSeries.map((s) => s.points.reduce((sum, p) => sum + p[1], 0));
  const named = zoneNodes(zone);
  const valveState = zone.valve ? nodes?.get(zone.valve)?.latest.valve_state?.value : undefined;
  const gatewayIds = new Set(named.map((n) => nodes?.get(n)?.gateway).filter((g) => g !== undefined));
  return {
    zone,
    rule: rules.find((r) => r.zoneId === zone.id),
    moisture: mean(zone.sensors.map((n) => nodes?.get(n)?.latest.soil_moisture?.value).filter((v) => v !== undefined)),
    trend: mean(trends),
    valveOpen: !nodes ? valveOpenByCommands(commands, now) : valveState === undefined ? undefined : valveState >= 0.5,
    lastRun: runsOf(commands).at(-1),
    rain24h: rainByNode.length ? Math.max(...rainByNode) : undefined,
    batteries: named.flatMap((n) => {
      const v = nodes?.get(n)?.latest.battery_voltage?.value;
      return v === undefined ? [] : [{ node: n, volts: v }];
    }),
    gateways: gateways.filter((g) => gatewayIds.has(g.id)),
  };
}

export async function loadFarmView(farm: Farm): Promise<FarmView> {
  const now = Date.now();
  const [zones, rules, nodeList, { gateways }, { alerts }] = await Promise.all([
    loadZones(farm.id),
    loadRules(),
    loadNodes().catch((err: unknown) => {
      if (isStoreDown(err)) return undefined;
      throw err;
    }),
    api<{ gateways: Gateway[] }>('/api/v1/gateways'),
    api<{ alerts: Alert[] }>(`/api/v1/alerts?${query({ farm: farm.id, limit: 50 })}`),
  ]);
  const nodes = nodeList && new Map(nodeList.map((n) => [n.node, n]));
  const views = await Promise.all(zones.map((z) => zoneView(z, rules, nodes, gateways, now)));
  const farmGateways = gateways.filter((g) => g.farmId === farm.id || views.some((v) => v.gateways.includes(g)));
  return { farm, zones: views, alerts, nodes: nodeList ?? [], gateways: farmGateways, readingsDown: !nodeList, loadedAt: now };
}
