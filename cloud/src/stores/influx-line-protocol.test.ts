import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { readingsToLineProtocol } from './influx-line-protocol.ts';

describe('readingsToLineProtocol', () => {
  it('writes what influxdb-client Point writes, escapes included', () => {
    const readings = [
      { node: 'soil-01', metric: 'soil_moisture', value: 31.5, ts: 1764043200000 },
      { node: 'n', metric: 'rssi', value: -70, ts: 1764043200001 },
      { node: 'a b,c=d\\e', metric: 'x', value: 1e-7, ts: 1764043200002 },
      { node: 'z', metric: 'big', value: 123456789012.25, ts: 1764043200003 },
    ];
    const expected = readings
      .map((r) => `${new Point('readings').tag('node', r.node).tag('metric', r.metric).floatField('value', r.value).timestamp(String(r.ts)).toLineProtocol()}\n`)
      .join('');
    expect(readingsToLineProtocol('readings', readings)).toBe(expected);
  });
});
