import { describe, expect, it } from 'vitest';
import { checksum, decodeLine, encodeLine, MAX_LINE_BYTES } from './serial-codec.ts';
import type { ReadingSet } from './reading.ts';

const PRODUCT_EXAMPLE = '$RG,soil-01,42,soil_moisture=31.5,soil_temperature=24.1,battery_voltage=3.71*1E';

function framed(body: string): string {
  return `$${body}*${checksum(body)}`;
}

describe('serial line codec', () => {
  it('decodes the example from the protocol document', () => {
    expect(decodeLine(PRODUCT_EXAMPLE)).toEqual({
      ok: true,
      set: { node: 'soil-01', seq: 42, readings: { soil_moisture: 31.5, soil_temperature: 24.1, battery_voltage: 3.71 } },
    });
  });

  it('accepts \\n and \\r\\n endings and a node timestamp', () => {
    const line = framed('RG,weather-1,7,air_temperature=-3.5,t=1764000000000');
    for (const ending of ['\n', '\r\n', '']) {
      const r = decodeLine(line + ending);
      expect(r).toEqual({ ok: true, set: { node: 'weather-1', seq: 7, ts: 1764000000000, readings: { air_temperature: -3.5 } } });
    }
  });

  it('accepts custom metrics without a range check', () => {
    const r = decodeLine(framed('RG,n1,0,leaf_wetness=123456.5'));
    expect(r).toMatchObject({ ok: true, set: { readings: { leaf_wetness: 123456.5 } } });
  });

  const rejections: [string, string, string][] = [
    ['too_long', framed(`RG,n1,1,${'x'.repeat(MAX_LINE_BYTES)}=1`), 'over 512 bytes'],
    ['bad_framing', 'RG,n1,1,soil_moisture=3*00', 'does not start with $'],
    ['bad_framing', '$RG,n1,1,soil_moisture=3', 'no *HH'],
    ['bad_framing', '$RG,n1,1,soil_moisture=3*1e', 'two upper-case hex'],
    ['bad_checksum', '$RG,n1,1,soil_moisture=3*00', 'should be'],
    ['bad_framing', framed('XX,n1,1,soil_moisture=3'), 'must start with $RG'],
    ['bad_framing', framed('RG,n1,1,soil_moisture'), 'is not metric=value'],
    ['bad_node', framed('RG,Soil,1,soil_moisture=3'), 'node id'],
    ['bad_seq', framed('RG,n1,-1,soil_moisture=3'), 'sequence'],
    ['bad_seq', framed('RG,n1,4294967296,soil_moisture=3'), 'sequence'],
    ['bad_metric', framed('RG,n1,1,Soil=3'), 'metric "Soil"'],
    ['bad_metric', framed('RG,n1,1,rssi=-3,rssi=-4'), 'appears twice'],
    ['bad_value', framed('RG,n1,1,soil_moisture=abc'), 'not a decimal'],
    ['bad_value', framed('RG,n1,1,soil_moisture=Infinity'), 'not a decimal'],
    ['out_of_range', framed('RG,n1,1,soil_moisture=140'), 'outside 0..100'],
    ['bad_timestamp', framed('RG,n1,1,rssi=-60,t=1234'), 'epoch milliseconds'],
    ['no_readings', framed('RG,n1,1'), 'no metric=value'],
  ];
  it.each(rejections)('rejects %s: %s', (reason, line, detail) => {
    const r = decodeLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail).toContain(detail);
    }
  });

  it('never throws on arbitrary bytes', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 80);
      const s = Array.from({ length: len }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
      expect(decodeLine(s).ok).toBe(false);
    }
  });

  it('round-trips random reading sets (encode then decode gives the same readings)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const metrics = ['soil_moisture', 'air_temperature', 'rssi', 'battery_voltage', 'custom_x1'];
    for (let i = 0; i < 1000; i++) {
      const readings: Record<string, number> = {};
      for (const m of metrics) {
        if (rand() < 0.5) continue;
        const v = m === 'rssi' ? -Math.round(rand() * 1200) / 10 + 0 : Math.round(rand() * 3000) / 100;
        readings[m] = v;
      }
      if (Object.keys(readings).length === 0) readings.soil_moisture = 0;
      const set: ReadingSet = { node: `n${i % 17}`, seq: Math.floor(rand() * 2 ** 32), readings };
      if (rand() < 0.5) set.ts = 1_700_000_000_000 + Math.floor(rand() * 1e10);
      const line = encodeLine(set);
      expect(line.endsWith('\n')).toBe(true);
      expect(decodeLine(line)).toEqual({ ok: true, set });
    }
  });
});
