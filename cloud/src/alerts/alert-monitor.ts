import type { Command } from '@ruong/shared';
import type { Logger } from 'pino';
import type { Commands } from '../commands.ts';
import { RegistryIndex } from '../registry-index.ts';
import type { MetadataStore } from '../stores/metadata-store.ts';
import type { SqliteIrrigationStore } from '../stores/sqlite-irrigation-store.ts';
import { StoreUnavailable, type TelemetryStore } from '../stores/telemetry-store.ts';
import { alertConditions, FROM_LATEST_READINGS, type AlertLimits } from './alert-checks.ts';
import type { AlertStore } from './alert-store.ts';

const FINISHED = new Set<Command['state']>(['done', 'failed', 'expired']);

type MonitorDeps = { alerts: AlertStore; meta: MetadataStore; irrigation: SqliteIrrigationStore; telemetry: TelemetryStore; commands: Commands; log: Logger };

/** Checks every so often what needs attention, and opens and clears alerts to match. */
export class AlertMonitor {
  readonly #deps: MonitorDeps;
  readonly #limits: AlertLimits;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: MonitorDeps, limits: AlertLimits) {
    this.#deps = deps;
    this.#limits = limits;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => void this.check(), everyMs);
    this.#timer.unref();
  }

  /** One check; a check already running is joined, not doubled. */
  check(now = Date.now()): Promise<void> {
    this.#running ??= this.#check(now)
      .catch((err: Error) => this.#deps.log.warn({ err: err.message }, 'alert check failed; will try again'))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #check(now: number): Promise<void> {
    const { meta, irrigation, telemetry, commands, alerts, log } = this.#deps;
    const registry = new RegistryIndex(irrigation, meta);
    const lastCommands = new Map<string, Command>();
    for (const z of registry.zones.values()) {
      const last = z.valve && commands.list({ node: z.valve, limit: 20 }).find((c) => FINISHED.has(c.state));
      if (z.valve && last) lastCommands.set(z.valve, last);
    }
    // Gateways, silent sensors and valves are known without the store of readings: they are checked while it is down.
    const latest = await telemetry.latest().catch((err: unknown) => {
      if (err instanceof StoreUnavailable) return undefined;
      throw err;
    });
    const conditions = alertConditions({ registry, nodes: meta.listNodes(), gateways: meta.listGateways(), latest: latest ?? [], lastCommands }, this.#limits, now);
    const { opened, cleared } = alerts.reconcile(conditions, now, latest ? [] : FROM_LATEST_READINGS);
    for (const a of opened) log.warn({ alert: a.id, kind: a.kind, farm: a.farmId, subject: a.subject, detail: a.detail }, 'alert opened');
    for (const a of cleared) log.info({ alert: a.id, kind: a.kind, farm: a.farmId, subject: a.subject }, 'alert cleared');
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
