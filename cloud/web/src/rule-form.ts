import { IrrigationRule, type Issue } from '@ruong/shared';

/** The rule editor's fields as typed: strings, so a half-typed number is never lost. */
export type RuleForm = Record<
  | 'id' | 'zoneId' | 'mode' | 'startBelow' | 'stopAbove' | 'windowMin' | 'runMin' | 'latitude' | 'kc' | 'allowedDepletionMm'
  | 'applicationMmPerHour' | 'fieldCapacity' | 'rootDepthMm' | 'windows' | 'rainSkipHours' | 'rainSkipMm' | 'cooldownMin'
  | 'maxRunMin' | 'budgetMinutes' | 'budgetLitres' | 'staleAfterMin',
  string
> & { enabled: boolean };

export const RuleBody = IrrigationRule.omit({ id: true, version: true });

const str = (v: number | undefined) => (v === undefined ? '' : String(v));
/** An empty field is left out (the schema's default applies); anything else goes as typed, a number if it is one. */
const num = (s: string) => (s.trim() === '' ? undefined : Number.isFinite(Number(s.replace(',', '.'))) ? Number(s.replace(',', '.')) : s);

export function formFromRule(r: IrrigationRule | undefined, zoneId: string, latitude: number | undefined): RuleForm {
  const m = r?.mode;
  return {
    id: r?.id ?? '',
    zoneId: r?.zoneId ?? zoneId,
    enabled: r?.enabled ?? true,
    mode: m?.type ?? 'threshold',
    startBelow: m?.type === 'threshold' ? str(m.startBelow) : '25',
    stopAbove: m?.type === 'threshold' ? str(m.stopAbove) : '32',
    windowMin: m?.type === 'threshold' ? str(m.windowMin) : '15',
    runMin: m?.type === 'threshold' ? str(m.runMin) : '',
    latitude: m?.type === 'water_balance' ? str(m.latitude) : str(latitude),
    kc: m?.type === 'water_balance' ? str(m.kc) : '1.2',
    allowedDepletionMm: m?.type === 'water_balance' ? str(m.allowedDepletionMm) : '20',
    applicationMmPerHour: m?.type === 'water_balance' ? str(m.applicationMmPerHour) : '30',
    fieldCapacity: m?.type === 'water_balance' ? str(m.fieldCapacity) : '',
    rootDepthMm: m?.type === 'water_balance' ? str(m.rootDepthMm) : '',
    windows: (r?.windows ?? []).map((w) => `${w.start}-${w.end}`).join(', '),
    rainSkipHours: str(r?.rainSkip?.hours),
    rainSkipMm: str(r?.rainSkip?.mm),
    cooldownMin: str(r?.cooldownMin ?? 60),
    maxRunMin: str(r?.maxRunMin ?? 60),
    budgetMinutes: str(r?.dailyBudget?.minutes),
    budgetLitres: str(r?.dailyBudget?.litres),
    staleAfterMin: str(r?.staleAfterMin ?? 30),
  };
}

/** The body the API takes, built from the form; validation is the schema's, in `issuesOf`. */
export function ruleFromForm(f: RuleForm, timeZone: string): unknown {
  const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const mode =
    f.mode === 'threshold'
      ? drop({ type: 'threshold', startBelow: num(f.startBelow), stopAbove: num(f.stopAbove), windowMin: num(f.windowMin), runMin: num(f.runMin) })
      : drop({ type: 'water_balance', latitude: num(f.latitude), kc: num(f.kc), allowedDepletionMm: num(f.allowedDepletionMm), applicationMmPerHour: num(f.applicationMmPerHour), fieldCapacity: num(f.fieldCapacity), rootDepthMm: num(f.rootDepthMm) });
  const windows = f.windows
    .split(/[,;]/)
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => {
      const [start = '', end = ''] = w.split(/\s*[-–]\s*/);
      return { start, end };
    });
  const budget = drop({ minutes: num(f.budgetMinutes), litres: num(f.budgetLitres) });
  return drop({
    zoneId: f.zoneId,
    enabled: f.enabled,
    mode,
    windows,
    timeZone,
    rainSkip: f.rainSkipHours || f.rainSkipMm ? { hours: num(f.rainSkipHours), mm: num(f.rainSkipMm) ?? 0 } : undefined,
    cooldownMin: num(f.cooldownMin),
    maxRunMin: num(f.maxRunMin),
    dailyBudget: Object.keys(budget).length ? budget : undefined,
    staleAfterMin: num(f.staleAfterMin),
  });
}

/** Which form field each schema path belongs to. */
const FIELD_OF_PATH: Record<string, keyof RuleForm> = {
  'mode.startBelow': 'startBelow', 'mode.stopAbove': 'stopAbove', 'mode.windowMin': 'windowMin', 'mode.runMin': 'runMin',
  'mode.latitude': 'latitude', 'mode.kc': 'kc', 'mode.allowedDepletionMm': 'allowedDepletionMm', 'mode.applicationMmPerHour': 'applicationMmPerHour',
  'mode.fieldCapacity': 'fieldCapacity', 'mode.rootDepthMm': 'rootDepthMm', 'rainSkip.hours': 'rainSkipHours', 'rainSkip.mm': 'rainSkipMm',
  'dailyBudget.minutes': 'budgetMinutes', 'dailyBudget.litres': 'budgetLitres',
};

export function fieldOf(path: string): keyof RuleForm | undefined {
  if (path.startsWith('windows')) return 'windows';
  return FIELD_OF_PATH[path] ?? (path as keyof RuleForm);
}

/** The schema's messages (in the language zod was set to) by form field. */
export function issuesOf(body: unknown): Partial<Record<keyof RuleForm, string>> {
  const result = RuleBody.safeParse(body);
  if (result.success) return {};
  const out: Partial<Record<keyof RuleForm, string>> = {};
  for (const issue of result.error.issues) {
    const field = fieldOf(issue.path.join('.'));
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
}

export function issuesFromServer(issues: readonly Issue[]): Partial<Record<keyof RuleForm, string>> {
  const out: Partial<Record<keyof RuleForm, string>> = {};
  for (const i of issues) {
    const field = fieldOf(i.path);
    if (field && !out[field]) out[field] = i.message;
  }
  return out;
}
