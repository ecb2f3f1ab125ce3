export * from './api-error.ts';
export * from './ingest.ts';
export * from './metrics.ts';
export * from './mqtt-topics.ts';
export * from './reading.ts';
export * from './readings-query.ts';
export * from './reject-reason.ts';
export * from './serial-codec.ts';
