import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { CloudApp, CloudDeps } from './app-env.ts';
import { DEFAULT_PORT, type CloudConfig } from './config.ts';
import { listen } from './listen.ts';
import { MetricsRegistry } from './metrics-registry.ts';
import { SqliteMetadataStore } from './stores/sqlite-metadata-store.ts';
import type { TelemetryStore } from './stores/telemetry-store.ts';
import { openTelemetryStore } from './stores/open-telemetry-store.ts';
import { SqliteCommandStore } from './stores/sqlite-command-store.ts';
import { Commands } from './commands.ts';
import { Evaluator } from './irrigation/evaluator.ts';
import { SqliteIrrigationStore } from './stores/sqlite-irrigation-store.ts';
import { hashToken, newToken } from './tokens.ts';
import { AccountStore } from './accounts/account-store.ts';
import { AlertMonitor } from './alerts/alert-monitor.ts';
import { AlertStore } from './alerts/alert-store.ts';
import { OutageLog } from './outage-log.ts';

export type Cloud = {
  app: CloudApp;
  deps: CloudDeps;
  url: string;
  port: number;
  /** Set only when this start created the admin token: it is shown once and stored hashed. */
  createdAdminToken: string | undefined;
  monitor: AlertMonitor;
  close(): Promise<void>;
};

const LEDGER_DAYS = 14;

export async function startCloud(config: CloudConfig, log: Logger, options: { telemetry?: TelemetryStore } = {}): Promise<Cloud> {
  const meta = new SqliteMetadataStore(join(config.RUONG_DATA_DIR, 'cloud.db'));
  let telemetry: TelemetryStore;
  try {
    telemetry = options.telemetry ?? (await openTelemetryStore(config, log.child({ component: 'telemetry' })));
  } catch (err) {
    meta.close();
    throw err;
  }
  const commandStore = new SqliteCommandStore(join(config.RUONG_DATA_DIR, 'cloud.db'));
  const irrigation = new SqliteIrrigationStore(join(config.RUONG_DATA_DIR, 'cloud.db'));
  const accounts = new AccountStore(join(config.RUONG_DATA_DIR, 'cloud.db'));
  const alerts = new AlertStore(join(config.RUONG_DATA_DIR, 'cloud.db'));
  const commands = new Commands(commandStore, meta, log.child({ component: 'commands' }), Date.now);
  const deps: CloudDeps = {
    telemetry,
    meta,
    accounts,
    alerts,
    commands,
    irrigation,
    evaluator: new Evaluator(irrigation, telemetry, commands, log.child({ component: 'rules' })),
    log,
    storeOutage: new OutageLog(log, 'telemetry store answers again'),
    metrics: new MetricsRegistry(),
    maxBodyBytes: config.RUONG_MAX_BODY_BYTES,
    ingestRate: { perSecond: config.RUONG_INGEST_RATE, burst: config.RUONG_INGEST_BURST },
    now: Date.now,
  };

  let createdAdminToken: string | undefined;
  if (config.RUONG_ADMIN_TOKEN) meta.setAdminToken(hashToken(config.RUONG_ADMIN_TOKEN));
  else if (!meta.hasAdminToken()) {
    createdAdminToken = newToken('radm');
    meta.setAdminToken(hashToken(createdAdminToken));
  }
  accounts.pruneSessions(Date.now());
  const pruned = meta.pruneBatches(Date.now() - LEDGER_DAYS * 86_400_000);
  if (pruned) log.info({ pruned }, 'forgot old ingest ledger entries');

  const monitor = new AlertMonitor(
    { alerts, meta, irrigation, telemetry, commands, log: log.child({ component: 'alerts' }) },
    { silentAfterMs: config.RUONG_ALERT_SILENT_MIN * 60_000, offlineAfterMs: config.RUONG_ALERT_OFFLINE_MIN * 60_000 },
  );
  monitor.start(config.RUONG_ALERT_CHECK_SEC * 1000);

  const app = createApp(deps);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  let port: number;
  try {
    port = await listen(server, config.RUONG_PORT ?? DEFAULT_PORT, config.RUONG_HOST);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || config.RUONG_PORT !== undefined) {
      meta.close();
      await telemetry.close();
      throw err;
    }
    port = await listen(server, 0, config.RUONG_HOST);
    log.warn({ taken: DEFAULT_PORT, port }, `port ${DEFAULT_PORT} is taken; listening on ${port} instead (set RUONG_PORT to choose)`);
  }
  const host = config.RUONG_HOST === '0.0.0.0' ? '127.0.0.1' : config.RUONG_HOST;
  const url = `http://${host}:${port}`;
  log.info({ url, telemetryStore: telemetry.kind }, 'cloud listening');

  return {
    app,
    deps,
    url,
    port,
    createdAdminToken,
    monitor,
    async close() {
      await monitor.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await telemetry.close();
      commandStore.close();
      irrigation.close();
      alerts.close();
      accounts.close();
      meta.close();
    },
  };
}
