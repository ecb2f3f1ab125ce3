import { evaluateRule, GatewayRules, litresFromFlow, localDayStart, reasonKind, runAfter, runOnDay, worthRecording, type IrrigationRule, type ReadingSet, type Zone, type ZoneRun, type ZoneSnapshot } from '@ruong/shared';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ActuationStore } from './actuation-store.ts';
import { writeOrLog } from './card-write.ts';
import type { CommandRunner } from './command-runner.ts';

const MIN = 60_000;
const KEEP_MS = 48 * 3_600_000;

export type LocalRulesOptions = {
  cloudUrl: string;
  token: string;
  gatewayId: string;
  /** How often the zone rules are fetched from the cloud. */
  syncMs: number;
  /** The cloud counts as gone after this long without a successful upload. */
  offlineAfterMs: number;
};

/**
 * The gateway's fallback when the cloud is gone: it keeps the zone rules the cloud syncs down
 * (versioned, on disk), remembers the recent readings of those zones' nodes, and once the cloud has
 * been unreachable for `offlineAfterMs` judges each zone with the same engine the cloud uses, drives
 * the valve itself and keeps its decisions for the cloud, which gets them with the next upload.
 */
export class LocalRules {
  readonly #store: ActuationStore;
  readonly #commands: CommandRunner;
  readonly #options: LocalRulesOptions;
  readonly #log: Logger;
  readonly #lastUpload: () => number;
  readonly #recent = new Map<string, { ts: number; metric: string; value: number }[]>();
  readonly #runs = new Map<string, ZoneRun>();
  #timer: NodeJS.Timeout | undefined;
  #rules: GatewayRules | undefined;
  #watched = new Set<string>();
  #wasOffline = false;

  constructor(store: ActuationStore, commands: CommandRunner, options: LocalRulesOptions, log: Logger, lastUpload: () => number) {
    this.#store = store;
    this.#commands = commands;
    this.#options = options;
    this.#log = log;
    this.#lastUpload = lastUpload;
    this.#use(store.syncedRules());
  }

  get version(): string | undefined {
    return this.#rules?.version;
  }

  start(): void {
    void this.sync();
    this.#timer = setInterval(() => void this.sync(), this.#options.syncMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Fetches the zone rules; keeps the last good ones when the cloud does not answer. */
  async sync(): Promise<void> {
    try {
      const url = new URL(`/api/v1/gateways/${encodeURIComponent(this.#options.gatewayId)}/rules`, this.#options.cloudUrl);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${this.#options.token}` }, signal: AbortSignal.timeout(10_000) });
      if (res.status !== 200) throw new Error(`rules answered ${res.status}`);
      const rules = GatewayRules.parse(await res.json());
      if (rules.version !== this.#rules?.version) {
        this.#use(rules);
        this.#log.info({ version: rules.version, zones: rules.zones.length }, 'zone rules synced');
        writeOrLog(this.#log, { version: rules.version }, 'zone rules cannot be saved (is the card full?); they apply until a restart', () => this.#store.saveRules(rules));
      }
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'rule sync failed; keeping the last synced rules');
    }
  }

  get offline(): boolean {
    return Date.now() - this.#lastUpload() > this.#options.offlineAfterMs;
  }

  /** Every reading set the gateway takes in; cheap unless the node belongs to a synced zone. */
  observe(set: ReadingSet, ts: number): void {
    if (!this.#watched.has(set.node)) return;
    let list = this.#recent.get(set.node);
    if (!list) this.#recent.set(set.node, (list = []));
    for (const metric in set.readings) list.push({ ts, metric, value: set.readings[metric]! });
    while (list.length && list[0]!.ts < ts - KEEP_MS) list.shift();
    const offline = this.offline;
    if (offline !== this.#wasOffline) {
      this.#wasOffline = offline;
      this.#log.warn({ offline }, offline ? 'cloud unreachable: running zone rules locally' : 'cloud reachable again: rules run in the cloud');
    }
    if (!offline) return;
    for (const { zone, rule } of this.#rules?.zones ?? []) {
      if (rule.enabled && (zone.sensors.includes(set.node) || zone.weather.includes(set.node))) void this.#judge(zone, rule, ts);
    }
  }

  #use(rules: GatewayRules | undefined): void {
    this.#rules = rules;
    this.#watched = new Set((rules?.zones ?? []).flatMap(({ zone }) => [...zone.sensors, ...zone.weather, ...(zone.flowMeter ? [zone.flowMeter] : [])]));
  }

  async #judge(zone: Zone, rule: IrrigationRule, asOf: number): Promise<void> {
    if (!zone.valve) return;
    let run = runOnDay(this.#runs.get(zone.id) ?? { valveOpen: false, usedMin: 0 }, asOf, rule.timeZone);
    const windowMin = Math.max(rule.staleAfterMin, rule.mode.type === 'threshold' ? rule.mode.windowMin : 0);
    const since = (metric: string, nodes: string[], fromMs: number) =>
      nodes.flatMap((node) => (this.#recent.get(node) ?? []).filter((r) => r.metric === metric && r.ts >= fromMs && r.ts <= asOf).map((r) => ({ node, ts: r.ts, value: r.value })));
    const snapshot: ZoneSnapshot = {
      now: asOf,
      moisture: since('soil_moisture', zone.sensors, asOf - windowMin * MIN),
      sensorCount: zone.sensors.length,
      rain: rule.rainSkip ? since('rainfall', zone.weather, asOf - rule.rainSkip.hours * 3_600_000).map((r) => ({ ts: r.ts, mm: r.value })) : [],
      valve: { open: run.valveOpen, since: run.since },
      lastRunEnd: run.lastRunEnd,
      usedToday: { minutes: run.usedMin, litres: run.usedMin * (zone.flowLpm ?? 0) },
    };
    if (zone.flowMeter) {
      const flow = since('water_flow', [zone.flowMeter], localDayStart(asOf, rule.timeZone));
      snapshot.usedToday.litres = litresFromFlow(flow.map((r) => [r.ts, r.value] as const), asOf);
    }
    const decision = evaluateRule(rule, snapshot);
    if (!worthRecording(decision, run)) {
      this.#runs.set(zone.id, run);
      return;
    }
    run = { ...runAfter(run, decision, asOf), lastReason: reasonKind(decision) };
    let command: string | undefined;
    if (decision.action !== 'none') {
      command = `local-${randomUUID()}`;
      void this.#commands.handle({
        id: command,
        node: zone.valve,
        action: decision.action === 'open' ? 'valve.open' : 'valve.close',
        ...(decision.durationMin !== undefined && { durationSec: Math.round(decision.durationMin * 60) }),
      });
    }
    this.#runs.set(zone.id, run);
    const record = {
      zone: zone.id,
      rule: rule.id,
      ruleVersion: rule.version,
      at: asOf,
      action: decision.action,
      reason: decision.reason,
      why: decision.why,
      saw: decision.saw,
      ...(decision.durationMin !== undefined && { durationMin: decision.durationMin }),
      ...(command && { command }),
    };
    writeOrLog(this.#log, { zone: zone.id, action: decision.action }, 'local decision cannot be recorded (is the card full?); the cloud will not hear of it', () =>
      this.#store.queueDecision(record),
    );
    this.#log.info({ zone: zone.id, action: decision.action, reason: decision.reason }, 'local irrigation decision');
  }

}
