import type { Farm, IrrigationRule, User, Zone } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { failureText } from '../failure.ts';
import { loadRules, loadZones } from '../farm-data.ts';
import { useI18n } from '../i18n.ts';
import { href, usePolling } from '../route.ts';

/** The farm's rules: what each does, on or off, and a way to edit each or add one. */
export function RulesPage(props: { farm: Farm; user: User }) {
  const { t } = useI18n();
  const [data, setData] = useState<{ rules: IrrigationRule[]; zones: Zone[] }>();
  const [error, setError] = useState<string>();
  const load = async () => {
    const [rules, zones] = await Promise.all([loadRules(), loadZones(props.farm.id)]);
    setData({ rules: rules.filter((r) => zones.some((z) => z.id === r.zoneId)), zones });
  };
  usePolling(load, 30_000, [props.farm.id]);
  if (!data) return <p class="muted">{t('loading')}</p>;
  const toggle = async (rule: IrrigationRule) => {
    const { id, version: _version, ...body } = rule;
    try {
      await api(`/api/v1/rules/${id}`, { method: 'PUT', body: { ...body, enabled: !rule.enabled } });
      await load();
    } catch (err) {
      setError((err as ApiFailure).status === 409 ? t('ruleConflict') : failureText(err, t));
    }
  };
  return (
    <section class="card">
      <header class="row">
        <h1>{t('rules')}</h1>
        <a class="button primary" href={href('/rules/edit')} data-testid="new-rule">
          {t('newRule')}
        </a>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul class="rules">
        {data.rules.map((r) => (
          <li data-testid="rule" data-rule={r.id}>
            <strong>{r.id}</strong> · {data.zones.find((z) => z.id === r.zoneId)?.name ?? r.zoneId} · {t(`mode.${r.mode.type}`)}
            {r.mode.type === 'threshold' && ` < ${r.mode.startBelow} %`} · {t('version')} {r.version}
            <span class={`badge ${r.enabled ? 'open' : 'closed'}`}>{r.enabled ? t('enabled') : t('disabled')}</span>
            <span class="actions">
              <button type="button" onClick={() => toggle(r)}>
                {r.enabled ? t('turnOff') : t('turnOn')}
              </button>
              <a class="button" href={href('/rules/edit', { id: r.id })}>
                {t('edit')}
              </a>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
