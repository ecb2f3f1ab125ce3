import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSimConfig } from '../src/sim-config.ts';

describe('the simulator config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruong-sim-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (config: object) => {
    const file = join(dir, 'farm.json');
    writeFileSync(file, JSON.stringify(config));
    return () => loadSimConfig(file);
  };

  it('takes a farm with defaults filled in', () => {
    expect(load({ zones: ['ruong-bac'], serial: [{ id: 'soil-01', zone: 'ruong-bac' }] })()).toMatchObject({ speed: 1, intervalSec: 60, serial: [{ id: 'soil-01', kind: 'soil' }] });
  });

  it('refuses a misspelt setting by name rather than running with its default', () => {
    expect(load({ zones: ['ruong-bac'], intervalsec: 10 })).toThrow(/farm\.json: intervalsec: is not a setting; did you mean intervalSec\?$/);
    expect(load({ zones: ['ruong-bac'], faults: { garbag: 0.1 } })).toThrow(/: faults\.garbag: is not a setting; did you mean garbage\?$/);
    expect(load({ zones: ['ruong-bac'], serial: [{ id: 'soil-01', zone: 'ruong-bac', knd: 'weather' }] })).toThrow(/: serial\.0\.knd: is not a setting; did you mean kind\?$/);
  });

  it('names a wrong value with its path', () => {
    expect(load({ zones: ['ruong-bac'], speed: -1 })).toThrow(/farm\.json: speed: /);
  });
});
