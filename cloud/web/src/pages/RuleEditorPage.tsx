import { RuleId, whyText, type DecisionRecord, type Farm, type IrrigationRule, type User, type Zone } from '@ruong/shared';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { failureText } from '../failure.ts';
import { loadRules, loadZones } from '../farm-data.ts';
import { formatTime } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { schemaMessage } from '../schema-messages.ts';
import { formFromRule, issuesFromServer, issuesOf, ruleFromForm, type RuleForm } from '../rule-form.ts';
import { href } from '../route.ts';

type Preview = { days: number; decisions: Omit<DecisionRecord, 'id'>[] };
type Errors = Partial<Record<keyof RuleForm, string>>;

const THRESHOLD_FIELDS = ['startBelow', 'stopAbove', 'windowMin', 'runMin'] as const;
const BALANCE_FIELDS = ['latitude', 'kc', 'allowedDepletionMm', 'applicationMmPerHour', 'fieldCapacity', 'rootDepthMm'] as const;
const COMMON_FIELDS = ['windows', 'rainSkipHours', 'rainSkipMm', 'cooldownMin', 'maxRunMin', 'budgetMinutes', 'budgetLitres', 'staleAfterMin'] as const;

/** The schema's messages by field, and the id's (it travels in the URL, not the body). */
function validate(f: RuleForm, timeZone: string): Errors {
  const errs = issuesOf(ruleFromForm(f, timeZone));
  const id = RuleId.safeParse(f.id);
  if (!id.success) errs.id = id.error.issues[0]!.message;
  return errs;
}

/** Create or edit a rule, with messages in the person's language, and see what it would have done before saving. */
export function RuleEditorPage(props: { farm: Farm; user: User; ruleId: string | undefined }) {
  const { t, lang } = useI18n();
  const [zones, setZones] = useState<Zone[]>([]);
  const [form, setForm] = useState<RuleForm>();
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [preview, setPreview] = useState<Preview>();
  const [days, setDays] = useState(3);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([loadZones(props.farm.id), loadRules()]).then(([zs, rules]) => {
      setZones(zs);
      const rule = rules.find((r) => r.id === props.ruleId);
      setForm(formFromRule(rule, zs[0]?.id ?? '', props.farm.latitude));
    });
  }, [props.farm.id, props.ruleId]);
  // Messages follow the language switch.
  useEffect(() => {
    if (form && Object.keys(errors).length) setErrors(validate(form, props.farm.timeZone));
  }, [lang]);

  if (!form) return <p class="muted">{t('loading')}</p>;
  const isNew = props.ruleId === undefined;
  const set = (patch: Partial<RuleForm>) => setForm({ ...form, ...patch });
  const check = () => {
    const errs = validate(form, props.farm.timeZone);
    setErrors(errs);
    if (Object.keys(errs).length) setMessage({ kind: 'error', text: t('fixErrors') });
    return Object.keys(errs).length === 0;
  };
  const failed = (err: unknown) => {
    const f = err as ApiFailure;
    setErrors(issuesFromServer(f.issues ?? []));
    setMessage({ kind: 'error', text: f.status === 403 ? t('forbidden') : f.status === 409 ? t('ruleConflict') : failureText(f, t) });
  };
  const runPreview = async () => {
    setMessage(undefined);
    if (!check()) return;
    setBusy(true);
    try {
      const to = Date.now();
      const res = await api<{ decisions: Preview['decisions'] }>(`/api/v1/rules/${form.id}/simulate`, {
        method: 'POST',
        body: { from: String(to - days * 86_400_000), to: String(to), stepMin: 15, rule: ruleFromForm(form, props.farm.timeZone) },
      });
      setPreview({ days, decisions: res.decisions });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    setMessage(undefined);
    if (!check()) return;
    setBusy(true);
    try {
      const saved = await api<IrrigationRule>(`/api/v1/rules/${form.id}`, { method: 'PUT', body: ruleFromForm(form, props.farm.timeZone) });
      setMessage({ kind: 'ok', text: t('saved', { v: saved.version }) });
      if (isNew) location.hash = href('/rules/edit', { id: saved.id });
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  const field = (name: keyof RuleForm & MessageKey) => (
    <label class={errors[name] ? 'invalid' : ''}>
      {t(name)}
      <input
        name={name}
        inputMode={name === 'windows' ? undefined : 'decimal'}
        value={form[name] as string}
        onInput={(e) => set({ [name]: e.currentTarget.value })}
        aria-invalid={errors[name] ? 'true' : undefined}
      />
      {errors[name] && (
        <span class="field-error" data-testid={`error-${name}`}>
          {schemaMessage(errors[name], lang)}
        </span>
      )}
    </label>
  );
  const opens = preview?.decisions.filter((d) => d.action === 'open') ?? [];
  const minutes = Math.round(opens.reduce((s, d) => s + (d.durationMin ?? 0), 0));
  return (
    <section class="card editor">
      <h1>{isNew ? t('newRule') : t('editRule', { id: form.id })}</h1>
      <form onSubmit={(e) => (e.preventDefault(), save())}>
        <div class="grid">
          {isNew ? (
            <label class={errors.id ? 'invalid' : ''}>
              {t('ruleId')}
              <input name="id" value={form.id} onInput={(e) => set({ id: e.currentTarget.value })} autocapitalize="none" />
              {errors.id && (
                <span class="field-error" data-testid="error-id">
                  {schemaMessage(errors.id, lang)}
                </span>
              )}
            </label>
          ) : null}
          <label>
            {t('zone')}
            <select name="zoneId" value={form.zoneId} onChange={(e) => set({ zoneId: e.currentTarget.value })}>
              {zones.map((z) => (
                <option value={z.id}>{z.name}</option>
              ))}
            </select>
          </label>
          <label class="check">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            {t('enabled')}
          </label>
          <label>
            {t('mode')}
            <select name="mode" value={form.mode} onChange={(e) => set({ mode: e.currentTarget.value })}>
              <option value="threshold">{t('mode.threshold')}</option>
              <option value="water_balance">{t('mode.water_balance')}</option>
            </select>
          </label>
        </div>
        <div class="grid">{(form.mode === 'threshold' ? THRESHOLD_FIELDS : BALANCE_FIELDS).map((f) => field(f))}</div>
        <div class="grid">{COMMON_FIELDS.map((f) => field(f))}</div>
        {message && (
          <p class={message.kind === 'ok' ? 'ok' : 'error'} role="status" data-testid="editor-message">
            {message.text}
          </p>
        )}
        <div class="row">
          <label class="inline">
            <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))} aria-label={t('previewDays', { n: days })}>
              {[1, 3, 7, 14].map((n) => (
                <option value={n}>{t('previewDays', { n })}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={runPreview} disabled={busy} data-testid="preview">
            {t('preview')}
          </button>
          <button type="submit" class="primary" disabled={busy} data-testid="save">
            {t('save')}
          </button>
          <a class="button" href="#/rules">
            {t('cancel')}
          </a>
        </div>
      </form>
      {preview && (
        <div class="preview" data-testid="preview-result">
          <p>
            <strong>{t('previewResult', { d: preview.days, n: opens.length, m: minutes })}</strong>
          </p>
          <div class="scroll">
            <table>
              <tbody>
                {preview.decisions
                  .filter((d) => d.action !== 'none')
                  .slice(-30)
                  .map((d) => (
                    <tr class={d.action}>
                      <td>{formatTime(d.at, lang, props.farm.timeZone)}</td>
                      <td>
                        {t(`decision.${d.action}`)}
                        {d.durationMin !== undefined && ` ${t('nMin', { n: Math.round(d.durationMin) })}`}
                      </td>
                      <td>{d.why ? whyText(d.why, lang) : d.reason}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
