import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_PARSE, configIssue } from './config-issue.ts';

describe('configIssue', () => {
  const Config = z.strictObject({
    gatewayId: z.string(),
    cloud: z.strictObject({ url: z.string(), batchMaxReadings: z.number().default(5000) }),
    serial: z.array(z.strictObject({ path: z.string(), baudRate: z.number().default(9600) })).default([]),
    nodes: z.record(z.string(), z.strictObject({ secret: z.string().optional(), kind: z.string().default('sensor') })).default({}),
    retries: z.number().optional(),
    broker: z
      .discriminatedUnion('mode', [z.strictObject({ mode: z.literal('embedded'), port: z.number().default(1883) }), z.strictObject({ mode: z.literal('client'), url: z.string() })])
      .default({ mode: 'embedded', port: 1883 }),
  });
  const issue = (input: unknown) => configIssue(Config.safeParse(input, CONFIG_PARSE).error!, Config);
  const base = { gatewayId: 'gw-1', cloud: { url: 'http://x' } };

  it('names a misspelt setting and the one it likely meant, at any depth', () => {
    expect(issue({ ...base, gatewayid: 'gw-1' })).toBe('gatewayid: is not a setting; did you mean gatewayId?');
    expect(issue({ ...base, cloud: { url: 'http://x', batchMaxReading: 10 } })).toBe('cloud.batchMaxReading: is not a setting; did you mean batchMaxReadings?');
    expect(issue({ ...base, serial: [{ path: '/dev/ttyUSB0', baudrate: 9600 }] })).toBe('serial.0.baudrate: is not a setting; did you mean baudRate?');
    expect(issue({ ...base, nodes: { 'soil-01': { knd: 'valve' } } })).toBe('nodes.soil-01.knd: is not a setting; did you mean kind?');
  });

  it('looks through every form a setting may take, and names the values a mode takes', () => {
    expect(issue({ ...base, broker: { mode: 'embedded', prot: 1884 } })).toBe('broker.prot: is not a setting; did you mean port?');
    // A setting of another mode is not a misspelling of itself.
    expect(issue({ ...base, broker: { mode: 'client', url: 'mqtt://x', port: 1884 } })).toBe('broker.port: is not a setting');
    expect(issue({ ...base, broker: { mode: 'embeded' } })).toBe('broker.mode: must be one of embedded, client; did you mean embedded?');
    expect(issue({ ...base, broker: { mode: 'bridge' } })).toBe('broker.mode: must be one of embedded, client');
  });

  it('names an unknown setting alone when none is close', () => {
    expect(issue({ ...base, colour: 'green' })).toBe('colour: is not a setting');
  });

  it('says missing, or the type wanted, in plain words', () => {
    expect(issue({ cloud: { url: 'http://x' } })).toBe('gatewayId: is missing');
    expect(issue({ ...base, serial: {} })).toBe('serial: must be a list');
    expect(issue({ ...base, retries: 'three' })).toBe('retries: must be a number');
  });
});
