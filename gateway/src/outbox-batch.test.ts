import { describe, expect, it } from 'vitest';
import { OutboxBatch, type StoredSet } from './outbox-batch.ts';

const T0 = Date.UTC(2026, 0, 1);

/** A set stored as the outbox stores it. */
const stored = (node: string, ts: number, values: Record<string, number>): StoredSet => ({ node, ts, n: Object.keys(values).length, readings: JSON.stringify(values) });

describe('OutboxBatch', () => {
  it('writes the JSON of its readings from the stored text exactly as JSON.stringify writes the readings', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [0, -0, 31.2, -71, 3.71, 1e-7, 1e21, 123456789.123, 0.1 + 0.2, -1.5e-300, 100];
    const metrics = ['soil_moisture', 'rssi', 'battery_voltage', 'air_temperature', 'm2_x'];
    for (let b = 0; b < 200; b++) {
      const sets = Array.from({ length: Math.floor(rand() * 20) }, (_, i) => {
        const record: Record<string, number> = {};
        for (const m of metrics) if (rand() < 0.6) record[m] = values[Math.floor(rand() * values.length)]! * (rand() < 0.5 ? 1 : rand());
        return stored(`soil-${Math.floor(rand() * 9)}_a`, T0 + i * 60_000, record);
      });
      const batch = new OutboxBatch(`b-${b}`, sets);
      expect(batch.readingsJson()).toBe(JSON.stringify(batch.readings));
      expect(batch.size).toBe(batch.readings.length);
    }
  });

  it('falls back to JSON.stringify for any text of another form, and still agrees with it', () => {
    const texts = ['{}', '{"a\\u0062":1}', '{"a":null}', '{"a":{"b":1,"c":2}}', '{"a":[1,2]}', '{"a,b":1}', '{"a:b":1,"c":2}', '{"a":"1,2"}', '{"":1}'];
    for (const readings of texts) {
      const batch = new OutboxBatch('odd', [{ node: 'n-1', ts: T0, n: 1, readings }]);
      expect(batch.readingsJson(), readings).toBe(JSON.stringify(batch.readings));
    }
  });
});
