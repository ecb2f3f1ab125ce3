export * from './evaluate.ts';
export * from './hargreaves.ts';
export * from './rule.ts';
export * from './water-balance.ts';
export * from './why.ts';
export type * from './zone-snapshot.ts';
export * from './zone.ts';
export * from './zone-run.ts';
