import type { IrrigationRule, TimeWindow } from './rule.ts';
import { sensorDeficit } from './water-balance.ts';
import type { Decision, ZoneSnapshot } from './zone-snapshot.ts';

const MIN = 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** One decimal, or two where one would make the value look equal to the threshold it is compared with. */
function against(value: number, threshold: number): string {
  return String(round1(value) === threshold ? Math.round(value * 100) / 100 : round1(value));
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
  const moistureText = mean === undefined ? 'no fresh moisture' : `moisture ${threshold === undefined ? round1(mean) : against(mean, threshold)}%`;

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
    const close = (why: string): Decision => ({ action: 'close', reason: `${why} → close`, saw });
    if (runMin >= rule.maxRunMin) return close(`ran ${round1(runMin)} min, the most a run may last (${rule.maxRunMin} min)`);
    if (budgetLeftMin !== undefined && runMin >= budgetLeftMin) return close(`daily budget of ${budgetMin} min used up`);
    if (rule.mode.type === 'threshold') {
      if (rule.mode.stopAbove !== undefined && mean !== undefined && mean >= rule.mode.stopAbove) return close(`${moistureText} ≥ ${rule.mode.stopAbove}%`);
      if (rule.mode.runMin !== undefined && runMin >= rule.mode.runMin) return close(`ran the planned ${rule.mode.runMin} min`);
    } else if (deficit !== undefined && deficit <= 0) {
      return close('soil water deficit refilled');
    }
    return { action: 'none', reason: `running ${round1(runMin)} min; ${moistureText}`, saw };
  }

  const hold = (why: string): Decision => ({ action: 'none', reason: why, saw });
  if (!rule.enabled) return hold('rule is off');
  const needs =
    rule.mode.type === 'threshold'
      ? mean === undefined
        ? undefined
        : mean < rule.mode.startBelow
          ? `${moistureText} < ${rule.mode.startBelow}% over ${rule.mode.windowMin} min`
          : false
      : deficit === undefined
        ? undefined
        : deficit >= rule.mode.allowedDepletionMm
          ? `soil water deficit ${round1(deficit)} mm ≥ ${rule.mode.allowedDepletionMm} mm`
          : false;
  if (needs === undefined) {
    const silentFor = newest === undefined ? 'never reported' : `silent for ${Math.round((z.now - newest) / MIN)} min`;
    return hold(`sensors ${silentFor} (0 of ${z.sensorCount} fresh within ${rule.staleAfterMin} min): not watering on old data`);
  }
  if (needs === false) return hold(rule.mode.type === 'threshold' ? `${moistureText} ≥ ${rule.mode.startBelow}%: no need` : `deficit ${saw.deficitMm ?? 0} mm: no need`);
  if (!inWindow(z.now, rule.windows, rule.timeZone)) return hold(`${needs}, but outside the allowed hours`);
  if (rainMm !== undefined && rainMm >= rule.rainSkip!.mm) return hold(`${needs}, but ${round1(rainMm)} mm rain in ${rule.rainSkip!.hours} h`);
  if (z.lastRunEnd !== undefined && z.now - z.lastRunEnd < rule.cooldownMin * MIN) {
    return hold(`${needs}, but cooling down (${Math.round((z.lastRunEnd + rule.cooldownMin * MIN - z.now) / MIN)} min left)`);
  }
  if (budgetLeftMin !== undefined && budgetLeftMin <= 0) return hold(`${needs}, but the daily budget of ${budgetMin} min is used`);
  if (litresLeft !== undefined && litresLeft <= 0) return hold(`${needs}, but the daily budget of ${rule.dailyBudget!.litres} L is used`);

  let duration = rule.maxRunMin;
  if (rule.mode.type === 'threshold' && rule.mode.runMin !== undefined) duration = Math.min(duration, rule.mode.runMin);
  if (rule.mode.type === 'water_balance') duration = Math.min(duration, Math.ceil(((deficit ?? 0) / rule.mode.applicationMmPerHour) * 60));
  if (budgetLeftMin !== undefined) duration = Math.min(duration, budgetLeftMin);
  duration = Math.max(1, Math.floor(duration));
  const parts = [needs];
  if (rainMm !== undefined) parts.push(rainMm > 0 ? `${round1(rainMm)} mm rain in ${rule.rainSkip!.hours} h` : `no rain in ${rule.rainSkip!.hours} h`);
  if (budgetLeftMin !== undefined) parts.push(`budget ${round1(budgetLeftMin)}/${budgetMin} min left`);
  return { action: 'open', durationMin: duration, reason: `${parts.join('; ')} → open ${duration} min`, saw };
}
