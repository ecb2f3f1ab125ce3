import { describe, expect, it } from 'vitest';
import { decodeTelemetry, encodeTelemetry, parseTelemetryPayload } from './mqtt-codec.ts';
import { TelemetryPayload } from './mqtt-topics.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('MQTT telemetry codec', () => {
  it('round-trips a reading set', () => {
    const set = { seq: 9, ts: 1_764_000_000_000, readings: { soil_moisture: 33.3, rssi: -71 } };
    expect(decodeTelemetry('soil-9', bytes(encodeTelemetry(set)))).toEqual({ ok: true, set: { node: 'soil-9', ...set } });
    expect(decodeTelemetry('n', bytes('{"readings":{"air_humidity":80}}'))).toEqual({ ok: true, set: { node: 'n', readings: { air_humidity: 80 } } });
  });
  it.each([
    ['bad_json', 'garbage{', 'not JSON'],
    ['bad_payload', '{"readings":{}}', 'no readings'],
    ['bad_payload', '{"seq":-1,"readings":{"rssi":-50}}', 'seq'],
    ['bad_payload', '{"ts":1234,"readings":{"rssi":-50}}', 'ts'],
    ['bad_payload', '[1,2]', 'payload'],
    ['bad_payload', '{"readings":{"rssi":"loud"}}', 'readings.rssi'],
    ['out_of_range', '{"readings":{"air_humidity":120}}', 'outside 0..100'],
    ['too_long', `{"readings":{"x":${'1'.repeat(17000)}}}`, 'over'],
  ])('rejects %s: %s', (reason, payload, detail) => {
    const r = decodeTelemetry('n', bytes(payload));
    expect(r).toMatchObject({ ok: false, reason });
    if (!r.ok) expect(r.detail).toContain(detail);
  });
});

describe('parseTelemetryPayload', () => {
  it('answers exactly as TelemetryPayload.safeParse on thousands of good and broken payloads', () => {
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const readings = () => {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) {
        out[pick(['soil_moisture', 'rssi', 'battery_voltage', 'my_metric', 'Bad', '__proto__', '1x'])] = pick<unknown>([12.5, -70, 3.9, 101, 5, '7', null, 1e300]);
      }
      return out;
    };
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const payload = pick<unknown>([
        { readings: readings() },
        { seq: pick<unknown>([0, 7, 2 ** 32 - 1, 2 ** 32, -1, 1.5, '3']), readings: readings() },
        { ts: pick<unknown>([1_795_000_000_000, 946_684_799_999, 1_795_000_000, 1_795_000_000_000.5]), readings: readings() },
        { seq: 1, ts: 1_795_000_000_000, readings: readings(), extra: true },
        { readings: [1, 2] },
        { readings: null },
        [],
        null,
        'text',
      ]);
      const json = JSON.parse(JSON.stringify(payload)) as unknown;
      const mine = parseTelemetryPayload(json);
      const zods = TelemetryPayload.safeParse(json);
      expect(mine.success).toBe(zods.success);
      if (mine.success && zods.success) {
        expect(mine.data).toEqual(zods.data);
        accepted++;
      } else expect(mine.error!.issues).toEqual(zods.error!.issues);
    }
    expect(accepted).toBeGreaterThan(100); // plenty of accepted payloads were compared too
  });
});
