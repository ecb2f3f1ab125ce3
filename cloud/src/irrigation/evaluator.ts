import { evaluateRule, type DailyWeather, type Decision, type DecisionRecord, type IrrigationRule, type Zone, type ZoneRun, type ZoneSnapshot } from '@ruong/shared';
import { accumulateDeficit, litresFromFlow, localDayStart, reasonKind, runAfter, runOnDay, why, whyText, worthRecording } from '@ruong/shared';
import type { Logger } from 'pino';
import type { Commands } from '../commands.ts';
import type { SqliteIrrigationStore } from '../stores/sqlite-irrigation-store.ts';
import type { TelemetryStore } from '../stores/telemetry-store.ts';

const MIN = 60_000;
const DAY = 86_400_000;
/** Days of weather the water balance accumulates from (starting from a full profile). */
const BALANCE_DAYS = 7;


/**
 * Runs each zone's rule when its nodes report: gathers what the rule needs from the telemetry store,
 * evaluates it (the pure engine in shared/), turns open/close into commands, and keeps a decision
 * record. Time is the readings' own: the newest reading of the zone in the batch is "now", so a
 * replay (simulate) and a simulated farm at any speed are judged the same way as the live field.
 */
export class Evaluator {
  readonly #store: SqliteIrrigationStore;
  readonly #telemetry: TelemetryStore;
  readonly #commands: Commands;
  readonly #log: Logger;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(store: SqliteIrrigationStore, telemetry: TelemetryStore, commands: Commands, log: Logger) {
    this.#store = store;
    this.#telemetry = telemetry;
    this.#commands = commands;
    this.#log = log;
  }

  /**
   * After a batch is stored: evaluates every zone whose nodes are in it, one evaluation per zone at a
   * time. `newest` holds the time of each node's newest reading in the batch.
   */
  async afterIngest(newest: ReadonlyMap<string, number>): Promise<void> {
    if (newest.size === 0) return;
    const rules = this.#store.rules().filter((r) => r.enabled);
    const work: Promise<unknown>[] = [];
    for (const zone of this.#store.zones()) {
      // Measurements drive evaluation; the valve's own reports only keep our view of it honest.
      const asOf = Math.max(0, ...[...zone.sensors, ...zone.weather].map((n) => newest.get(n) ?? 0));
      const rule = rules.find((r) => r.zoneId === zone.id);
      if (!asOf || !rule) continue;
      const next = (this.#queues.get(zone.id) ?? Promise.resolve()).then(() => this.#live(zone, rule, asOf)).catch((err: Error) => this.#log.error({ err, zone: zone.id }, 'rule evaluation failed'));
      this.#queues.set(zone.id, next);
      work.push(next);
    }
    await Promise.all(work);
  }

  async #live(zone: Zone, rule: IrrigationRule, asOf: number): Promise<void> {
    const state = this.#store.zoneState(zone.id);
    if (state.since !== undefined && asOf < state.since) return; // older than what we already judged
    const { decision, next } = await this.judge(zone, rule, asOf, state);
    let command: string | undefined;
    if (decision.action !== 'none' && zone.valve) {
      next.command = command = this.#commands.create(
        { node: zone.valve, action: decision.action === 'open' ? 'valve.open' : 'valve.close', ...(decision.durationMin !== undefined && { durationMin: decision.durationMin }), expiresInMin: 10 },
        'rule',
      ).id;
    }
    if (worthRecording(decision, state)) {
      this.#store.addDecision({ origin: 'cloud', zone: zone.id, rule: rule.id, ruleVersion: rule.version, at: asOf, action: decision.action, reason: decision.reason, why: decision.why, saw: decision.saw, ...(decision.durationMin !== undefined && { durationMin: decision.durationMin }), ...(command && { command }) });
      next.lastReason = reasonKind(decision);
      this.#log.info({ zone: zone.id, rule: rule.id, action: decision.action, reason: decision.reason }, 'irrigation decision');
    }
    this.#store.setZoneState(zone.id, next);
  }

  /** Evaluates a rule for a zone as of a time, from stored telemetry; returns the decision and the state after it. */
  async judge(zone: Zone, rule: IrrigationRule, asOf: number, state: ZoneRun, live = true): Promise<{ decision: Decision; next: ZoneRun }> {
    let next = runOnDay(state, asOf, rule.timeZone);
    if (live && next.valveOpen && zone.valve) await this.#reconcileValve(zone.valve, next, asOf);
    const snapshot = await this.#snapshot(zone, rule, asOf, next);
    const noValve = [why('no_valve', { zone: zone.id })];
    const decision: Decision = zone.valve ? evaluateRule(rule, snapshot) : { action: 'none', reason: whyText(noValve), why: noValve, saw: { freshSensors: 0 } };
    next = runAfter(next, decision, asOf);
    return { decision, next };
  }

  /**
   * Believes the field over our own bookkeeping: the open command failed or expired, or the valve was
   * seen open and then reported itself closed (the gateway's deadline, a person at the valve).
   */
  async #reconcileValve(valve: string, state: ZoneRun, asOf: number): Promise<void> {
    const command = state.command ? this.#commands.get(state.command) : undefined;
    if (command && (command.state === 'failed' || command.state === 'expired')) {
      state.valveOpen = false;
      state.lastRunEnd = state.since;
      return;
    }
    const [series] = await this.#telemetry.query({ nodes: [valve], metrics: ['valve_state'], from: state.since ?? asOf, to: asOf + 1 });
    const points = series?.points ?? [];
    const seenOpen = points.findIndex(([, v]) => v === 1);
    const closedAt = seenOpen < 0 ? undefined : points.slice(seenOpen).find(([, v]) => v === 0)?.[0];
    if (closedAt === undefined) return;
    state.valveOpen = false;
    state.usedMin += (closedAt - (state.since ?? closedAt)) / MIN;
    state.lastRunEnd = closedAt;
  }

  async #snapshot(zone: Zone, rule: IrrigationRule, asOf: number, state: ZoneRun): Promise<ZoneSnapshot> {
    const windowMin = Math.max(rule.staleAfterMin, rule.mode.type === 'threshold' ? rule.mode.windowMin : 0);
    const moistureSeries = zone.sensors.length
      ? await this.#telemetry.query({ nodes: zone.sensors, metrics: ['soil_moisture'], from: asOf - windowMin * MIN, to: asOf + 1 })
      : [];
    const rainSeries =
      rule.rainSkip && zone.weather.length
        ? await this.#telemetry.query({ nodes: zone.weather, metrics: ['rainfall'], from: asOf - rule.rainSkip.hours * 3_600_000, to: asOf + 1 })
        : [];
    const snapshot: ZoneSnapshot = {
      now: asOf,
      moisture: moistureSeries.flatMap((s) => s.points.map(([ts, value]) => ({ node: s.node, ts, value }))),
      sensorCount: zone.sensors.length,
      rain: rainSeries.flatMap((s) => s.points.map(([ts, mm]) => ({ ts, mm }))),
      valve: { open: state.valveOpen, since: state.since },
      lastRunEnd: state.lastRunEnd,
      usedToday: { minutes: state.usedMin, litres: state.usedMin * (zone.flowLpm ?? 0) },
    };
    if (zone.flowMeter && rule.dailyBudget?.litres !== undefined) {
      const dayStart = localDayStart(asOf, rule.timeZone);
      const [flow] = await this.#telemetry.query({ nodes: [zone.flowMeter], metrics: ['water_flow'], from: dayStart, to: asOf + 1 });
      snapshot.usedToday.litres = litresFromFlow(flow?.points ?? [], asOf);
    }
    if (rule.mode.type === 'water_balance' && zone.weather.length) snapshot.deficitMm = await this.#deficit(zone, rule, asOf);
    return snapshot;
  }

  /** The water balance over the last days, from daily air temperature extremes and rain (and irrigation, from decisions). */
  async #deficit(zone: Zone, rule: IrrigationRule, asOf: number): Promise<number | undefined> {
    if (rule.mode.type !== 'water_balance') return undefined;
    const from = Math.floor(asOf / DAY) * DAY - BALANCE_DAYS * DAY;
    const q = { nodes: zone.weather, from, to: asOf + 1, every: DAY };
    const [tMin, tMax, rain] = await Promise.all([
      this.#telemetry.query({ ...q, metrics: ['air_temperature'], agg: 'min' }),
      this.#telemetry.query({ ...q, metrics: ['air_temperature'], agg: 'max' }),
      this.#telemetry.query({ ...q, metrics: ['rainfall'], agg: 'sum' }),
    ]);
    const byDay = (s: typeof tMin) => new Map((s[0]?.points ?? []).map(([t, v]) => [t, v]));
    const mins = byDay(tMin);
    const maxs = byDay(tMax);
    const rains = byDay(rain);
    if (mins.size === 0) return undefined;
    const irrigation = new Map<number, number>();
    for (const d of this.#store.decisions({ zone: zone.id, limit: 1000 })) {
      if (d.action === 'open' && d.at >= from && d.durationMin) {
        const dayStart = Math.floor(d.at / DAY) * DAY;
        irrigation.set(dayStart, (irrigation.get(dayStart) ?? 0) + (d.durationMin / 60) * rule.mode.applicationMmPerHour);
      }
    }
    const days: DailyWeather[] = [...mins.keys()].sort((a, b) => a - b).map((t) => ({ day: t + DAY / 2, tMin: mins.get(t)!, tMax: maxs.get(t) ?? mins.get(t)!, rainMm: rains.get(t) ?? 0, irrigationMm: irrigation.get(t) ?? 0 }));
    return accumulateDeficit(0, days, rule.mode.latitude, rule.mode.kc);
  }

  /** Replays a rule over stored history: the decisions it would have made, nothing sent, nothing stored. */
  async simulate(zone: Zone, rule: IrrigationRule, from: number, to: number, stepMin: number): Promise<Omit<DecisionRecord, 'id'>[]> {
    let state: ZoneRun = { valveOpen: false, usedMin: 0 };
    const out: Omit<DecisionRecord, 'id'>[] = [];
    for (let t = from; t <= to; t += stepMin * MIN) {
      const { decision, next } = await this.judge(zone, { ...rule, enabled: true }, t, state, false);
      if (worthRecording(decision, state)) {
        out.push({ origin: 'cloud', zone: zone.id, rule: rule.id, ruleVersion: rule.version, at: t, action: decision.action, reason: decision.reason, why: decision.why, saw: decision.saw, ...(decision.durationMin !== undefined && { durationMin: decision.durationMin }) });
        next.lastReason = reasonKind(decision);
      }
      state = next;
    }
    return out;
  }
}
