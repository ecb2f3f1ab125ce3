import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Commands } from './commands.ts';
import type { Evaluator } from './irrigation/evaluator.ts';
import type { SqliteIrrigationStore } from './stores/sqlite-irrigation-store.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import type { MetadataStore } from './stores/metadata-store.ts';
import type { AccountStore } from './accounts/account-store.ts';
import type { AlertStore } from './alerts/alert-store.ts';
import type { Access } from './access.ts';
import type { User } from '@ruong/shared';
import type { TelemetryStore } from './stores/telemetry-store.ts';
import type { OutageLog } from './outage-log.ts';

/** What every route can reach: the stores, the logger, the counters and the limits. */
export type CloudDeps = {
  telemetry: TelemetryStore;
  meta: MetadataStore;
  accounts: AccountStore;
  alerts: AlertStore;
  commands: Commands;
  irrigation: SqliteIrrigationStore;
  evaluator: Evaluator;
  log: Logger;
  /** The telemetry store refusing and answering again, logged once each. */
  storeOutage: OutageLog;
  metrics: MetricsRegistry;
  maxBodyBytes: number;
  /** Ingest requests a gateway may make per second on average, and in a burst. */
  ingestRate: { perSecond: number; burst: number };
  now: () => number;
};

export type AppEnv = {
  Variables: {
    requestId: string;
    gateway: string;
    /** The request body, inflated (routes behind `inflatedBody`). */
    body: Buffer;
    person: User;
    access: Access;
  };
};

export type CloudApp = OpenAPIHono<AppEnv>;
