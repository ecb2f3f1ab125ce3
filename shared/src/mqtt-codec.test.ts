import { describe, expect, it } from 'vitest';
import { decodeTelemetry, encodeTelemetry } from './mqtt-codec.ts';

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
