import { describe, expect, it } from 'vitest';
import { evaluateRule } from './evaluate.ts';
import { WhyCode, whyText } from './why.ts';
import { extraterrestrialRadiation, hargreavesEt0 } from './hargreaves.ts';
import { IrrigationRule, type IrrigationRuleInput } from './rule.ts';
import { accumulateDeficit, sensorDeficit } from './water-balance.ts';
import { litresFromFlow, localDayStart, reasonKind, worthRecording, type ZoneRun } from './zone-run.ts';
import type { ZoneSnapshot } from './zone-snapshot.ts';

const MIN = 60_000;
// 2026-07-10 08:00 in Asia/Ho_Chi_Minh (UTC+7).
const NOW = Date.UTC(2026, 6, 10, 1, 0);

function rule(over: Partial<IrrigationRuleInput> = {}): IrrigationRule {
  return IrrigationRule.parse({
    id: 'r1',
    zoneId: 'z1',
    mode: { type: 'threshold', startBelow: 25, stopAbove: 32, windowMin: 15 },
    rainSkip: { hours: 24, mm: 5 },
    cooldownMin: 60,
    maxRunMin: 45,
    dailyBudget: { minutes: 60 },
    ...over,
  });
}

function zone(over: Partial<ZoneSnapshot> & { m?: number[] } = {}): ZoneSnapshot {
  const values = over.m ?? [21.2, 21.6];
  return {
    now: NOW,
    moisture: values.map((value, i) => ({ node: `soil-${i}`, ts: NOW - 5 * MIN, value })),
    sensorCount: values.length,
    rain: [],
    valve: { open: false },
    usedToday: { minutes: 30, litres: 0 },
    ...over,
  };
}

describe('evaluateRule: threshold with hysteresis', () => {
  const cases: [string, IrrigationRule, ZoneSnapshot, { action: string; durationMin?: number; reason: string }][] = [
    ['dry, no rain, budget left: opens for what the budget allows', rule(), zone(), { action: 'open', durationMin: 30, reason: 'moisture 21.4% < 25% over 15 min; no rain in 24 h; budget 30/60 min left → open 30 min' }],
    ['moist enough: nothing to do', rule(), zone({ m: [27, 28] }), { action: 'none', reason: 'moisture 27.5% ≥ 25%: no need' }],
    ['between the thresholds while closed: stays closed (hysteresis)', rule(), zone({ m: [28, 29] }), { action: 'none', reason: 'moisture 28.5% ≥ 25%: no need' }],
    ['between the thresholds while open: keeps running', rule(), zone({ m: [28, 29], valve: { open: true, since: NOW - 10 * MIN } }), { action: 'none', reason: 'running 10 min; moisture 28.5%' }],
    ['reaches the stop threshold: closes', rule(), zone({ m: [32, 33], valve: { open: true, since: NOW - 12 * MIN } }), { action: 'close', reason: 'moisture 32.5% ≥ 32% → close' }],
    ['runs too long: closes at max run', rule(), zone({ valve: { open: true, since: NOW - 45 * MIN }, usedToday: { minutes: 0, litres: 0 } }), { action: 'close', reason: 'ran 45 min, the most a run may last (45 min) → close' }],
    ['budget used up while running: closes', rule(), zone({ valve: { open: true, since: NOW - 30 * MIN } }), { action: 'close', reason: 'daily budget of 60 min used up → close' }],
    ['rained 6 mm in the last day: skips', rule(), zone({ rain: [{ ts: NOW - 3 * 3_600_000, mm: 4 }, { ts: NOW - 2 * 3_600_000, mm: 2 }] }), { action: 'none', reason: 'moisture 21.4% < 25% over 15 min, but 6 mm rain in 24 h' }],
    ['rain older than the skip window does not count', rule(), zone({ rain: [{ ts: NOW - 30 * 3_600_000, mm: 40 }, { ts: NOW - 3_600_000, mm: 1 }] }), { action: 'open', durationMin: 30, reason: 'moisture 21.4% < 25% over 15 min; 1 mm rain in 24 h; budget 30/60 min left → open 30 min' }],
    ['cooling down after a run', rule(), zone({ lastRunEnd: NOW - 20 * MIN }), { action: 'none', reason: 'moisture 21.4% < 25% over 15 min, but cooling down (40 min left)' }],
    ['budget used: does not start', rule(), zone({ usedToday: { minutes: 60, litres: 0 } }), { action: 'none', reason: 'moisture 21.4% < 25% over 15 min, but the daily budget of 60 min is used' }],
    ['litre budget used: does not start', rule({ dailyBudget: { litres: 500 } }), zone({ usedToday: { minutes: 0, litres: 500 } }), { action: 'none', reason: 'moisture 21.4% < 25% over 15 min, but the daily budget of 500 L is used' }],
    ['outside the allowed hours (05:00–07:00 only)', rule({ windows: [{ start: '05:00', end: '07:00' }] }), zone(), { action: 'none', reason: 'moisture 21.4% < 25% over 15 min, but outside the allowed hours' }],
    ['inside a window that runs past midnight (22:00–09:00)', rule({ windows: [{ start: '22:00', end: '09:00' }] }), zone(), { action: 'open', durationMin: 30, reason: 'moisture 21.4% < 25% over 15 min; no rain in 24 h; budget 30/60 min left → open 30 min' }],
    ['sensors silent: never waters on old readings', rule(), zone({ moisture: [{ node: 'soil-0', ts: NOW - 90 * MIN, value: 10 }], sensorCount: 1 }), { action: 'none', reason: 'sensors silent for 90 min (0 of 1 fresh within 30 min): not watering on old data' }],
    ['no sensor ever reported', rule(), zone({ m: [], sensorCount: 2 }), { action: 'none', reason: 'sensors never reported (0 of 2 fresh within 30 min): not watering on old data' }],
    ['sensors silent while running: still closes at max run', rule(), zone({ moisture: [], valve: { open: true, since: NOW - 50 * MIN }, usedToday: { minutes: 0, litres: 0 } }), { action: 'close', reason: 'ran 50 min, the most a run may last (45 min) → close' }],
    ['fixed duration without a stop threshold', rule({ mode: { type: 'threshold', startBelow: 25, runMin: 20 }, dailyBudget: undefined }), zone(), { action: 'open', durationMin: 20, reason: 'moisture 21.4% < 25% over 15 min; no rain in 24 h → open 20 min' }],
    ['fixed duration elapsed: closes', rule({ mode: { type: 'threshold', startBelow: 25, runMin: 20 }, dailyBudget: undefined }), zone({ valve: { open: true, since: NOW - 20 * MIN } }), { action: 'close', reason: 'ran the planned 20 min → close' }],
    ['rule turned off', rule({ enabled: false }), zone(), { action: 'none', reason: 'rule is off' }],
  ];
  it.each(cases)('%s', (_name, r, z, expected) => {
    expect(evaluateRule(r, z)).toMatchObject(expected);
  });

  it('records what it saw', () => {
    expect(evaluateRule(rule(), zone()).saw).toEqual({ freshSensors: 2, moistureMean: 21.4, rainMm: 0, budgetLeftMin: 30 });
  });

  it('weighs each sensor once, however often it reports', () => {
    const z = zone({ moisture: [...Array(10).fill({ node: 'chatty', ts: NOW - MIN, value: 10 }), { node: 'quiet', ts: NOW - MIN, value: 30 }], sensorCount: 2 });
    expect(evaluateRule(rule(), z).saw.moistureMean).toBe(20);
  });
});

describe('water balance', () => {
  it('computes extraterrestrial radiation as FAO-56 example 8 does (20°S, 3 September: 32.2 MJ/m²/day)', () => {
    expect(extraterrestrialRadiation(-20, 246)).toBeCloseTo(32.2, 1);
  });

  it('gives a plausible tropical ET0 (Mekong delta, 24–33 °C: about 4–5 mm/day)', () => {
    const et0 = hargreavesEt0(24, 33, 10, 190);
    expect(et0).toBeGreaterThan(3.5);
    expect(et0).toBeLessThan(5.5);
  });

  it('accumulates a deficit that rain and irrigation refill, never below zero', () => {
    const day = (d: number, rainMm = 0, irrigationMm = 0) => ({ day: Date.UTC(2026, 6, d, 5), tMin: 24, tMax: 33, rainMm, irrigationMm });
    const dry = accumulateDeficit(0, [day(1), day(2), day(3)], 10, 1);
    expect(dry).toBeCloseTo(3 * hargreavesEt0(24, 33, 10, 182), 0);
    expect(accumulateDeficit(dry, [day(4, 50)], 10, 1)).toBe(0);
    expect(accumulateDeficit(10, [day(4, 0, 20)], 10, 1.2)).toBe(0);
    expect(sensorDeficit(30, 40, 300)).toBe(30);
  });

  const wb = (over: Partial<IrrigationRuleInput> = {}) =>
    rule({ mode: { type: 'water_balance', latitude: 10, allowedDepletionMm: 20, applicationMmPerHour: 30 }, dailyBudget: undefined, ...over });

  it('waters when the deficit passes the allowed depletion, for as long as refilling it takes', () => {
    expect(evaluateRule(wb(), zone({ deficitMm: 24 }))).toMatchObject({ action: 'open', durationMin: 45, reason: 'soil water deficit 24 mm ≥ 20 mm; no rain in 24 h → open 45 min' });
    expect(evaluateRule(wb(), zone({ deficitMm: 12 }))).toMatchObject({ action: 'none', reason: 'deficit 12 mm: no need' });
  });

  it('lets soil moisture sensors correct the model where the zone has them', () => {
    const corrected = wb({ mode: { type: 'water_balance', latitude: 10, allowedDepletionMm: 20, applicationMmPerHour: 30, fieldCapacity: 35, rootDepthMm: 300 } });
    // The model says 5 mm, the sensors (21.4 % against 35 % field capacity over 300 mm) say 40.8 mm.
    expect(evaluateRule(corrected, zone({ deficitMm: 5 }))).toMatchObject({ action: 'open', saw: { deficitMm: 40.8 } });
  });

  it('does not water on a model alone when it has no deficit to go by', () => {
    expect(evaluateRule(wb(), zone())).toMatchObject({ action: 'none' });
  });
});

describe('IrrigationRule schema', () => {
  it('refuses a stop threshold below the start one, and a rule that would never stop', () => {
    expect(IrrigationRule.safeParse({ id: 'r', zoneId: 'z', mode: { type: 'threshold', startBelow: 30, stopAbove: 20 } }).success).toBe(false);
    expect(IrrigationRule.safeParse({ id: 'r', zoneId: 'z', mode: { type: 'threshold', startBelow: 30 } }).success).toBe(false);
    expect(IrrigationRule.safeParse({ id: 'r', zoneId: 'z', mode: { type: 'threshold', startBelow: 30, runMin: 10 }, windows: [{ start: '25:00', end: '06:00' }] }).success).toBe(false);
  });
});

describe('daily water accounting', () => {
  it('finds the local midnight of a moment', () => {
    expect(localDayStart(NOW, 'Asia/Ho_Chi_Minh')).toBe(Date.UTC(2026, 6, 9, 17));
    expect(localDayStart(Date.UTC(2026, 6, 9, 16, 59), 'Asia/Ho_Chi_Minh')).toBe(Date.UTC(2026, 6, 8, 17));
  });
  it('integrates a flow meter, each reading holding until the next', () => {
    expect(litresFromFlow([[0, 120], [10 * MIN, 0], [20 * MIN, 60]], 25 * MIN)).toBe(120 * 10 + 60 * 5);
    expect(litresFromFlow([], 25 * MIN)).toBe(0);
  });
});

describe('why: the reason in each language', () => {
  it('reads a decision in Vietnamese with the same numbers as in English', () => {
    const d = evaluateRule(rule(), zone());
    expect(whyText(d.why)).toBe(d.reason);
    expect(whyText(d.why, 'vi')).toBe('độ ẩm 21.4% < 25% trong 15 phút; không mưa trong 24 giờ; còn 30/60 phút trong ngày → mở van 30 phút');
    const held = evaluateRule(rule(), zone({ rain: [{ ts: NOW - 60 * MIN, mm: 8 }] }));
    expect(whyText(held.why, 'vi')).toBe('độ ẩm 21.4% < 25% trong 15 phút, nhưng đã mưa 8 mm trong 24 giờ');
  });

  it('has a Vietnamese phrase for every English one, with every number in it', () => {
    const n = { zone: 'z', min: 11, count: 12, stale: 13, m: 14, start: 15, d: 16, window: 17, allowed: 18, mm: 19, h: 20, left: 21, budget: 22, litres: 23, run: 24, max: 25, stop: 26 };
    for (const code of WhyCode.options) {
      const en = whyText([{ code, n }]);
      const vi = whyText([{ code, n }], 'vi');
      expect(vi, code).not.toBe(en);
      expect(vi, code).not.toContain('undefined');
      expect(vi.match(/\d+/g) ?? [], code).toEqual(en.match(/\d+/g) ?? []);
    }
  });
});

describe('worthRecording', () => {
  const record = (decisions: ReturnType<typeof evaluateRule>[]) => {
    let run: ZoneRun = { valveOpen: false, usedMin: 0 };
    const kept: string[] = [];
    for (const d of decisions) {
      if (!worthRecording(d, run)) continue;
      kept.push(d.reason);
      run = { ...run, lastReason: reasonKind(d) };
    }
    return kept;
  };

  it('keeps a new kind of reason once, not every new number in it', () => {
    const cooling = (leftMin: number) => evaluateRule(rule(), zone({ lastRunEnd: NOW - (60 - leftMin) * MIN }));
    expect(record([evaluateRule(rule(), zone({ m: [27, 28] })), evaluateRule(rule(), zone({ m: [26, 27] })), cooling(40), cooling(39), cooling(38)])).toEqual([
      'moisture 27.5% ≥ 25%: no need',
      'moisture 21.4% < 25% over 15 min, but cooling down (40 min left)',
    ]);
  });

  it('keeps every open and close, and nothing while the valve runs', () => {
    const running = evaluateRule(rule(), zone({ m: [28, 29], valve: { open: true, since: NOW - 10 * MIN } }));
    expect(running.why[0]!.code).toBe('running');
    expect(record([evaluateRule(rule(), zone()), running, running, evaluateRule(rule(), zone({ m: [32, 33], valve: { open: true, since: NOW - 12 * MIN } }))])).toHaveLength(2);
  });
});
