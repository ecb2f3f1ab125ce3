import { Point } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { scanIngestBatch } from '@ruong/shared';
import { readingsToLineProtocol, sourceToLineProtocol } from './influx-line-protocol.ts';

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

describe('sourceToLineProtocol', () => {
  it('copies the lines readingsToLineProtocol formats from the JSON a gateway sends', () => {
    let seed = 5;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let b = 0; b < 200; b++) {
      // Custom metrics have no range, so every kind of number JSON.stringify writes can appear.
      const readings = Array.from({ length: Math.floor(rand() * 30) }, () => ({
        node: `soil-${Math.floor(rand() * 9)}`,
        metric: ['my_metric', 'other_metric'][Math.floor(rand() * 2)]!,
        value: [rand() * 100, -Math.round(rand() * 1500) / 10, rand() * 1e-9, rand() * 1e25, 0, -1e300][Math.floor(rand() * 6)]!,
        ts: 1_795_000_000_000 + Math.floor(rand() * 1e9),
      }));
      const scanned = scanIngestBatch(new TextEncoder().encode(JSON.stringify({ batchId: `b${b}`, readings })));
      expect(scanned).toBeDefined();
      expect(sourceToLineProtocol('readings', scanned!.source).toString()).toBe(readingsToLineProtocol('readings', readings));
      const [from, to] = [Math.floor(rand() * readings.length), Math.floor(rand() * readings.length)].sort((a, b) => a - b) as [number, number];
      expect(sourceToLineProtocol('readings', scanned!.source, from, to).toString()).toBe(readingsToLineProtocol('readings', readings.slice(from, to)));
    }
  });
});
