import { IrrigationRule, RuleId, Slug } from '@ruong/shared';
import { schemaMessage } from '../web/src/schema-messages.ts';
import { describe, expect, it } from 'vitest';
import { formFromRule, issuesOf, ruleFromForm } from '../web/src/rule-form.ts';

describe("the rule editor's form", () => {
  const saved = IrrigationRule.parse({
    id: 'bac',
    zoneId: 'ruong-bac',
    mode: { type: 'threshold', startBelow: 25, stopAbove: 32, windowMin: 15 },
    windows: [{ start: '05:00', end: '08:00' }, { start: '17:00', end: '19:00' }],
    rainSkip: { hours: 24, mm: 5 },
    dailyBudget: { minutes: 90 },
  });

  it('turns a saved rule into fields and back into the same rule', () => {
    const body = ruleFromForm(formFromRule(saved, 'ruong-bac', 10), saved.timeZone);
    const { id: _id, version: _version, ...rest } = saved;
    expect(IrrigationRule.omit({ id: true, version: true }).parse(body)).toEqual(rest);
    expect(issuesOf(body)).toEqual({});
  });

  it('puts each schema message on the field it belongs to, decimal commas accepted', () => {
    const form = { ...formFromRule(saved, 'ruong-bac', 10), startBelow: '150', stopAbove: '32,5', windows: '05:00-8h', budgetMinutes: 'lots' };
    const issues = issuesOf(ruleFromForm(form, 'Asia/Ho_Chi_Minh'));
    expect(Object.keys(issues).sort()).toEqual(['budgetMinutes', 'startBelow', 'stopAbove', 'windows']);
    expect(issues.windows).toBe('a time of day like 05:30');
    expect(issues.stopAbove).toBe('must be above startBelow');
    expect((ruleFromForm(form, 'Asia/Ho_Chi_Minh') as { mode: { stopAbove: number } }).mode.stopAbove).toBe(32.5);
  });

  it('builds a water-balance rule from its own fields', () => {
    const form = { ...formFromRule(undefined, 'ruong-nam', 10.03), mode: 'water_balance' };
    const body = IrrigationRule.omit({ id: true, version: true }).parse(ruleFromForm(form, 'Asia/Ho_Chi_Minh'));
    expect(body.mode).toEqual({ type: 'water_balance', latitude: 10.03, kc: 1.2, allowedDepletionMm: 20, applicationMmPerHour: 30 });
  });
});

describe("the schemas' own messages in Vietnamese", () => {
  it('has a translation for every message the rule and people forms can show', () => {
    const messages = [
      ...IrrigationRule.safeParse({ id: 'Bad Id', zoneId: 'z', mode: { type: 'threshold', startBelow: 30, stopAbove: 20 }, windows: [{ start: '5h', end: '08:00' }] }).error!.issues,
      ...IrrigationRule.safeParse({ id: 'r', zoneId: 'z', mode: { type: 'threshold', startBelow: 30 } }).error!.issues,
      ...RuleId.safeParse('Bad Id').error!.issues,
      ...Slug.safeParse('X').error!.issues,
    ].map((i) => i.message);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const m of messages) expect(schemaMessage(m, 'vi'), m).not.toBe(m);
  });
});
