import type { IrrigationRule, TimeWindow } from './rule.ts';
import { sensorDeficit } from './water-balance.ts';
import { why, whyText, type Why } from './why.ts';
import type { Decision, ZoneSnapshot } from './zone-snapshot.ts';

const MIN = 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** One decimal, or two where one would make the value look equal to the threshold it is compared with. */
function against(value: number, threshold: number): number {
  return round1(value) === threshold ? Math.round(value * 100) / 100 : round1(value);
}

/** A decision with its reason in English (logs, the API) made from the phrases (every language). */
function decided(action: Decision['action'], phrases: Why[], saw: Decision['saw'], durationMin?: number): Decision {
  return { action, ...(durationMin !== undefined && { durationMin }), reason: whyText(phrases), why: phrases, saw };
}

function localMinuteOfDay(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
}

export function inWindow(t: number, windows: readonly TimeWindow[], timeZone: string): boolean {
  if (windows.length === 0) return true;
  const m = localMinuteOfDay(t, timeZone);
  return windows.some((w) => {
    const s = toMinutes(w.start);
    const e = toMinutes(w.end);
    return s <= e ? m >= s && m < e : m >= s || m < e;
  });
}

/** Mean of the newest reading of each sensor inside the window, and how many sensors that is. */
function freshMoisture(rule: IrrigationRule, z: ZoneSnapshot): { mean: number | undefined; fresh: number; newest: number | undefined } {
  const windowMin = rule.mode.type === 'threshold' ? rule.mode.windowMin : rule.staleAfterMin;
  const since = z.now - Math.min(windowMin, rule.staleAfterMin) * MIN;
  const byNode = new Map<string, number[]>();
  let newest: number | undefined;
  for (const r of z.moisture) {
    newest = newest === undefined ? r.ts : Math.max(newest, r.ts);
    if (r.ts < since || r.ts > z.now) continue;
    if (!byNode.has(r.node)) byNode.set(r.node, []);
    byNode.get(r.node)!.push(r.value);
  }
  if (byNode.size === 0) return { mean: undefined, fresh: 0, newest };
  // Each sensor weighs the same, however often it reports: the mean of per-sensor means.
  const means = [...byNode.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  return { mean: means.reduce((a, b) => a + b, 0) / means.length, fresh: byNode.size, newest };
}

/**
 * Decides what a zone's valve should do now under a rule. Pure: the same rule and snapshot always
 * give the same decision, so the cloud, the gateway's offline fallback and the simulate endpoint
 * agree. Missing or stale data never opens a valve; a running valve is closed by time limits even
 * when data is missing.
 */
export function evaluateRule(rule: IrrigationRule, z: ZoneSnapshot): Decision {
  const { mean, fresh, newest } = freshMoisture(rule, z);
  const rainMm = rule.rainSkip ? z.rain.filter((r) => r.ts > z.now - rule.rainSkip!.hours * 3_600_000 && r.ts <= z.now).reduce((a, r) => a + r.mm, 0) : undefined;
  const budgetMin = rule.dailyBudget?.minutes;
  const budgetLeftMin = budgetMin === undefined ? undefined : Math.max(0, budgetMin - z.usedToday.minutes);
  const litresLeft = rule.dailyBudget?.litres === undefined ? undefined : rule.dailyBudget.litres - z.usedToday.litres;
  const saw: Decision['saw'] = { freshSensors: fresh };
  if (mean !== undefined) saw.moistureMean = round1(mean);
  if (rainMm !== undefined) saw.rainMm = round1(rainMm);
  if (budgetLeftMin !== undefined) saw.budgetLeftMin = round1(budgetLeftMin);
  const threshold = rule.mode.type === 'threshold' ? (z.valve.open ? rule.mode.stopAbove : rule.mode.startBelow) : undefined;
  const m = mean === undefined ? undefined : threshold === undefined ? round1(mean) : against(mean, threshold);
  const moisture = m === undefined ? why('no_fresh_moisture') : why('moisture', { m });

  let deficit: number | undefined;
  if (rule.mode.type === 'water_balance') {
    deficit = z.deficitMm;
    const { fieldCapacity, rootDepthMm } = rule.mode;
    if (mean !== undefined && fieldCapacity !== undefined && rootDepthMm !== undefined) deficit = sensorDeficit(mean, fieldCapacity, rootDepthMm);
    if (deficit !== undefined) saw.deficitMm = round1(deficit);
  }

  if (z.valve.open) {
    const runMin = z.valve.since === undefined ? 0 : (z.now - z.valve.since) / MIN;
    saw.runMin = round1(runMin);
    const close = (because: Why): Decision => decided('close', [because, why('close')], saw);
    if (runMin >= rule.maxRunMin) return close(why('ran_max', { run: round1(runMin), max: rule.maxRunMin }));
    if (budgetLeftMin !== undefined && runMin >= budgetLeftMin) return close(why('budget_used_up', { budget: budgetMin! }));
    if (rule.mode.type === 'threshold') {
      if (rule.mode.stopAbove !== undefined && m !== undefined && mean! >= rule.mode.stopAbove) return close(why('moisture_reached', { m, stop: rule.mode.stopAbove }));
      if (rule.mode.runMin !== undefined && runMin >= rule.mode.runMin) return close(why('ran_planned', { run: rule.mode.runMin }));
    } else if (deficit !== undefined && deficit <= 0) {
      return close(why('deficit_refilled'));
    }
    return decided('none', [why('running', { run: round1(runMin) }), moisture], saw);
  }

  const hold = (...phrases: Why[]): Decision => decided('none', phrases, saw);
  if (!rule.enabled) return hold(why('rule_off'));
  const needs =
    rule.mode.type === 'threshold'
      ? m === undefined
        ? undefined
        : mean! < rule.mode.startBelow
          ? why('moisture_below', { m, start: rule.mode.startBelow, window: rule.mode.windowMin })
          : false
      : deficit === undefined
        ? undefined
        : deficit >= rule.mode.allowedDepletionMm
          ? why('deficit_reached', { d: round1(deficit), allowed: rule.mode.allowedDepletionMm })
          : false;
  if (needs === undefined) {
    const fresh = { count: z.sensorCount, stale: rule.staleAfterMin };
    return hold(newest === undefined ? why('sensors_never', fresh) : why('sensors_silent', { min: Math.round((z.now - newest) / MIN), ...fresh }));
  }
  if (needs === false) {
    return hold(rule.mode.type === 'threshold' ? why('no_need_moisture', { m: m!, start: rule.mode.startBelow }) : why('no_need_deficit', { d: saw.deficitMm ?? 0 }));
  }
  if (!inWindow(z.now, rule.windows, rule.timeZone)) return hold(needs, why('but_outside_hours'));
  if (rainMm !== undefined && rainMm >= rule.rainSkip!.mm) return hold(needs, why('but_rain', { mm: round1(rainMm), h: rule.rainSkip!.hours }));
  if (z.lastRunEnd !== undefined && z.now - z.lastRunEnd < rule.cooldownMin * MIN) {
    return hold(needs, why('but_cooling', { left: Math.round((z.lastRunEnd + rule.cooldownMin * MIN - z.now) / MIN) }));
  }
  if (budgetLeftMin !== undefined && budgetLeftMin <= 0) return hold(needs, why('but_budget_min', { budget: budgetMin! }));
  if (litresLeft !== undefined && litresLeft <= 0) return hold(needs, why('but_budget_litres', { litres: rule.dailyBudget!.litres! }));

  let duration = rule.maxRunMin;
  if (rule.mode.type === 'threshold' && rule.mode.runMin !== undefined) duration = Math.min(duration, rule.mode.runMin);
  if (rule.mode.type === 'water_balance') duration = Math.min(duration, Math.ceil(((deficit ?? 0) / rule.mode.applicationMmPerHour) * 60));
  if (budgetLeftMin !== undefined) duration = Math.min(duration, budgetLeftMin);
  duration = Math.max(1, Math.floor(duration));
  const phrases = [needs];
  if (rainMm !== undefined) phrases.push(rainMm > 0 ? why('rain_in', { mm: round1(rainMm), h: rule.rainSkip!.hours }) : why('no_rain', { h: rule.rainSkip!.hours }));
  if (budgetLeftMin !== undefined) phrases.push(why('budget_left', { left: round1(budgetLeftMin), budget: budgetMin! }));
  phrases.push(why('open', { min: duration }));
  return decided('open', phrases, saw, duration);
}
