import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name.ts';

describe('closestName', () => {
  const names = ['serial', 'mqtt', 'batchMaxReadings', 'intervalSec'];

  it('finds the setting a misspelling meant: case, a letter or two added, dropped or changed', () => {
    expect(closestName('intervalsec', names)).toBe('intervalSec');
    expect(closestName('seriall', names)).toBe('serial');
    expect(closestName('batchMaxReading', names)).toBe('batchMaxReadings');
    expect(closestName('batchMaxReadngs', names)).toBe('batchMaxReadings');
    expect(closestName('mqt', names)).toBe('mqtt');
    // Two neighbours swapped count as one slip, so short names are caught too.
    expect(closestName('prot', ['port', 'host'])).toBe('port');
    expect(closestName('seiral', names)).toBe('serial');
  });

  it('suggests nothing for a name that is not close to any', () => {
    expect(closestName('colour', names)).toBeUndefined();
    expect(closestName('serialPorts', names)).toBeUndefined();
    // Names of six letters or fewer allow one: `colour` is two from `cloud`.
    expect(closestName('colour', ['cloud'])).toBeUndefined();
    expect(closestName('http', names)).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });
});
