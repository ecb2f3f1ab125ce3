export { startCloud, type Cloud } from './cloud.ts';
export { parseCloudConfig, CloudConfig } from './config.ts';
export { SqliteTelemetryStore } from './stores/sqlite-telemetry-store.ts';
export type { TelemetryStore, SeriesQuery, LatestValue } from './stores/telemetry-store.ts';
