import { describe, expect, it } from 'vitest';
import { IngestBatch, MAX_BATCH_READINGS } from './ingest.ts';
import { METRICS, checkValue, metricName, metricUnit } from './metrics.ts';
import { parseTopic, TelemetryPayload, topics } from './mqtt-topics.ts';
import { ReadingsQuery } from './readings-query.ts';
import { Reading } from './reading.ts';
import { toIssues } from './api-error.ts';

describe('metric catalogue', () => {
  it('has units and ranges for the metrics PRODUCT.md lists', () => {
    for (const m of ['soil_moisture', 'soil_temperature', 'soil_ec', 'air_temperature', 'air_humidity', 'rainfall', 'wind_speed', 'solar_radiation', 'water_flow', 'valve_state', 'battery_voltage', 'rssi']) {
      expect(METRICS).toHaveProperty(m);
    }
    expect(metricUnit('soil_moisture')).toBe('%VWC');
    expect(metricUnit('my_custom')).toBe('');
  });
  it('names each known metric in Vietnamese and English, and a custom one as it was sent', () => {
    for (const lang of ['vi', 'en'] as const) {
      const names = Object.keys(METRICS).map((m) => metricName(m, lang));
      expect(new Set(names).size).toBe(names.length);
      for (const [i, m] of Object.keys(METRICS).entries()) expect(names[i]).not.toBe(m);
    }
    expect(metricName('soil_moisture', 'vi')).toBe('Độ ẩm đất');
    expect(metricName('soil_moisture', 'en')).toBe('Soil moisture');
    expect(metricName('leaf_wetness', 'vi')).toBe('leaf_wetness');
    expect(metricName('toString', 'en')).toBe('toString');
  });
  it('range-checks known metrics only', () => {
    expect(checkValue('soil_moisture', 100)).toBeUndefined();
    expect(checkValue('soil_moisture', 100.1)).toMatch(/outside 0..100/);
    expect(checkValue('valve_state', 2)).toMatch(/outside/);
    expect(checkValue('my_custom', 1e9)).toBeUndefined();
    expect(checkValue('my_custom', Number.NaN)).toMatch(/finite/);
    expect(checkValue('toString', 1)).toBeUndefined();
  });
});

describe('reading and batch schemas', () => {
  const good = { node: 'soil-01', metric: 'soil_moisture', value: 30, ts: 1_764_000_000_000 };
  it('accepts a good reading and names the field of a bad one', () => {
    expect(Reading.parse(good)).toEqual(good);
    const bad = Reading.safeParse({ ...good, value: 130 });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(toIssues(bad.error)).toEqual([{ path: 'value', message: 'soil_moisture=130 is outside 0..100 %VWC' }]);
    const seconds = Reading.safeParse({ ...good, ts: 1_764_000_000 });
    expect(seconds.success).toBe(false);
  });
  it('limits a batch to MAX_BATCH_READINGS and defaults acks', () => {
    expect(IngestBatch.parse({ batchId: 'b-1', readings: [good] }).acks).toEqual([]);
    const tooMany = IngestBatch.safeParse({ batchId: 'b-1', readings: Array(MAX_BATCH_READINGS + 1).fill(good) });
    expect(tooMany.success).toBe(false);
    expect(IngestBatch.safeParse({ batchId: 'no spaces', readings: [] }).success).toBe(false);
  });
});

describe('MQTT topics and payloads', () => {
  it('builds and parses topics', () => {
    expect(topics.telemetry('soil-01')).toBe('ruong/soil-01/telemetry');
    expect(parseTopic('ruong/soil-01/telemetry')).toEqual({ node: 'soil-01', kind: 'telemetry' });
    expect(parseTopic('ruong/valve-1/cmd/ack')).toEqual({ node: 'valve-1', kind: 'cmd/ack' });
    expect(parseTopic('ruong/Bad/telemetry')).toBeUndefined();
    expect(parseTopic('ruong/n1/other')).toBeUndefined();
    expect(parseTopic('other/n1/telemetry')).toBeUndefined();
  });
  it('validates telemetry payloads', () => {
    expect(TelemetryPayload.safeParse({ seq: 1, readings: { soil_moisture: 20 } }).success).toBe(true);
    expect(TelemetryPayload.safeParse({ readings: {} }).success).toBe(false);
    expect(TelemetryPayload.safeParse({ readings: { soil_moisture: 200 } }).success).toBe(false);
    expect(TelemetryPayload.safeParse({ readings: { Bad: 1 } }).success).toBe(false);
  });
});

describe('readings query', () => {
  it('takes epoch ms and ISO 8601, one or many nodes, and bucket widths', () => {
    const q = ReadingsQuery.parse({ node: 'a', metric: ['soil_moisture', 'rssi'], from: '1764000000000', to: '2025-11-25T00:00:00Z', every: '5m', agg: 'mean' });
    expect(q).toEqual({ node: ['a'], metric: ['soil_moisture', 'rssi'], from: 1764000000000, to: Date.parse('2025-11-25T00:00:00Z'), every: 300_000, agg: 'mean' });
  });
  it('refuses nonsense with a reason', () => {
    expect(ReadingsQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
    expect(ReadingsQuery.safeParse({ from: '10', to: '5' }).success).toBe(false);
    expect(ReadingsQuery.safeParse({ from: '10', every: '5 minutes' }).success).toBe(false);
    expect(ReadingsQuery.safeParse({ from: '10', agg: 'mean' }).success).toBe(false);
  });
});
