import { alertText, type Alert, type Farm } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { usePolling } from '../route.ts';

/** Alerts with their kind, subject, when they opened and their state; open ones can be acknowledged. */
export function AlertList(props: { alerts: Alert[]; farm: Farm; onChange: () => void }) {
  const { t, lang } = useI18n();
  const acknowledge = async (id: number) => {
    await api(`/api/v1/alerts/${id}/acknowledge`, { method: 'POST' });
    props.onChange();
  };
  return (
    <ul class="alerts">
      {props.alerts.map((a) => (
        <li class={`alert ${a.state}`} data-testid="alert" data-kind={a.kind}>
          <strong>{t(`alert.${a.kind}`)}</strong> · {a.subject}
          <span class="detail">{alertText(a.kind, a.n, lang)}</span>
          <span class="when">
            {formatTime(a.openedAt, lang, props.farm.timeZone)} · <span class={`badge ${a.state}`}>{t(`alertState.${a.state}`)}</span>
            {a.acknowledgedBy && ` (${a.acknowledgedBy})`}
          </span>
          {a.state === 'open' && (
            <button type="button" onClick={() => acknowledge(a.id)}>
              {t('acknowledge')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

export function AlertsPage(props: { farm: Farm }) {
  const { t } = useI18n();
  const [alerts, setAlerts] = useState<Alert[]>();
  const load = () => api<{ alerts: Alert[] }>(`/api/v1/alerts?${query({ farm: props.farm.id })}`).then((r) => setAlerts(r.alerts));
  usePolling(load, 15_000, [props.farm.id]);
  return (
    <section class="card">
      <h1>{t('alerts')}</h1>
      {!alerts ? <p class="muted">{t('loading')}</p> : alerts.length === 0 ? <p class="muted">{t('noAlerts')}</p> : <AlertList alerts={alerts} farm={props.farm} onChange={load} />}
    </section>
  );
}
