import { LOW_BATTERY_V, type Farm } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { failureText } from '../failure.ts';
import { loadFarmView, type FarmView, type ZoneView } from '../farm-data.ts';
import { backlogOf } from '../gateway-backlog.ts';
import { formatAgo, formatNumber, formatTime } from '../format.ts';
import { useI18n, type Translate } from '../i18n.ts';
import { href, usePolling } from '../route.ts';
import { AlertList } from './AlertsPage.tsx';

const ONLINE_MS = 5 * 60_000;

/** Each zone of the farm as a card, with the farm's gateways and open alerts above them. */
export function OverviewPage(props: { farm: Farm }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<FarmView>();
  const [failure, setFailure] = useState<unknown>();
  const load = () => loadFarmView(props.farm).then((v) => (setView(v), setFailure(undefined)), setFailure);
  usePolling(load, 10_000, [props.farm.id]);
  if (!view) return failure ? <p class="error">{failureText(failure, t)}</p> : <p class="muted">{t('loading')}</p>;
  const active = view.alerts.filter((a) => a.state !== 'cleared');
  const now = Date.now();
  return (
    <>
      {/* What is on screen stays, but says how old it is: a farmer must not take it for now. */}
      {failure !== undefined && (
        <p class="notice" role="status" data-testid="not-updated">
          {t('notUpdated', { t: formatTime(view.loadedAt, lang, props.farm.timeZone) })} {failureText(failure, t)}
        </p>
      )}
      {view.readingsDown && (
        <p class="notice" role="status" data-testid="readings-down">
          {t('readingsDown')}
        </p>
      )}
      <section class="gateways">
        {view.gateways.map((g) => {
          const online = g.lastContact !== null && now - g.lastContact < ONLINE_MS;
          const backlog = backlogOf(g);
          const failing = g.health?.outboxFailing;
          return (
            <p class={`pill ${!online || failing ? 'bad' : backlog ? 'warn' : 'ok'}`} data-testid="gateway">
              {t('gateway')} {g.name}: <strong>{online ? t('online') : t('offline')}</strong>
              {g.lastContact !== null && <span> · {t('lastContact', { t: formatAgo(g.lastContact, lang) })}</span>}
              {backlog && (
                <span data-testid="backlog">
                  {' · '}
                  {t('backlog', { n: formatNumber(backlog.readings, lang, 0), t: formatTime(backlog.since, lang, props.farm.timeZone) })}
                </span>
              )}
              {failing && (
                <span data-testid="outbox-failing">
                  {' · '}
                  {t('outboxFailing', { n: formatNumber(failing.heldReadings, lang, 0), t: formatTime(failing.since, lang, props.farm.timeZone) })}
                </span>
              )}
            </p>
          );
        })}
      </section>
      {active.length > 0 && (
        <section class="card warn" data-testid="overview-alerts">
          <h2>
            <a href="#/alerts">{t('openAlerts', { n: active.length })}</a>
          </h2>
          <AlertList alerts={active.slice(0, 3)} farm={props.farm} onChange={load} />
        </section>
      )}
      {view.zones.length === 0 && <p class="muted">{t('noZones')}</p>}
      <section class="zones">
        {view.zones.map((z) => (
          <ZoneCard view={z} farm={props.farm} />
        ))}
      </section>
    </>
  );
}

function nextIrrigation(v: ZoneView, t: Translate, lang: 'vi' | 'en', timeZone: string): string {
  const rule = v.rule;
  if (!rule) return t('noRule');
  if (!rule.enabled) return t('ruleOff');
  const parts = [rule.mode.type === 'threshold' ? t('whenBelow', { v: rule.mode.startBelow }) : t('whenDeficit', { v: rule.mode.allowedDepletionMm })];
  if (rule.windows.length) parts.push(t('within', { w: rule.windows.map((w) => `${w.start}–${w.end}`).join(', ') }));
  const rested = v.lastRun && v.lastRun.at + (v.lastRun.durationSec ?? 0) * 1000 + rule.cooldownMin * 60_000;
  if (rested && rested > Date.now()) parts.push(t('notBefore', { t: formatTime(rested, lang, timeZone) }));
  return parts.join(', ');
}

function ZoneCard(props: { view: ZoneView; farm: Farm }) {
  const { t, lang } = useI18n();
  const v = props.view;
  const tz = props.farm.timeZone;
  // Rounded first, so a flat trend reads "→ 0,0" and never "-0,0".
  const trend = v.trend === undefined ? undefined : Math.round(v.trend * 10) / 10 || 0;
  const arrow = trend === undefined ? '' : trend > 0.2 ? '↑' : trend < -0.2 ? '↓' : '→';
  const sensor = v.zone.sensors[0];
  return (
    <article class="card zone" data-testid="zone-card" data-zone={v.zone.id}>
      <header>
        <h2>{v.zone.name}</h2>
        <span class={`badge ${v.valveOpen ? 'open' : 'closed'}`} data-testid="valve-state">
          {v.zone.valve ? `${t('valve')}: ${v.valveOpen === undefined ? t('valveUnknown') : v.valveOpen ? t('valveOpen') : t('valveClosed')}` : t('noValve')}
        </span>
      </header>
      <p class="big">
        <span class="label">{t('soilMoisture')}</span>
        <span data-testid="moisture">{v.moisture === undefined ? '–' : `${formatNumber(v.moisture, lang)}\u00a0%`}</span>
        {trend !== undefined && (
          <span class="trend">
            {arrow} {trend > 0 ? '+' : ''}
            {formatNumber(trend, lang)} {t('trend6h')}
          </span>
        )}
      </p>
      <dl>
        <dt>{t('lastIrrigation')}</dt>
        <dd>{v.lastRun ? `${formatTime(v.lastRun.at, lang, tz)}${v.lastRun.durationSec ? ` · ${t('nMin', { n: Math.round(v.lastRun.durationSec / 60) })}` : ''}` : t('never')}</dd>
        <dt>{t('nextIrrigation')}</dt>
        <dd>{nextIrrigation(v, t, lang, tz)}</dd>
        <dt>{t('rain24h')}</dt>
        <dd>{v.rain24h === undefined ? '–' : `${formatNumber(v.rain24h, lang)} mm`}</dd>
        <dt>{t('batteries')}</dt>
        <dd class="batteries">
          {v.batteries.length === 0
            ? '–'
            : v.batteries.map((b) => (
                <span class={b.volts < LOW_BATTERY_V ? 'low' : ''}>
                  {b.node} {formatNumber(b.volts, lang, 2)} V
                </span>
              ))}
        </dd>
      </dl>
      <footer>
        {v.zone.valve && (
          <a class="button primary" href={href(`/zone/${v.zone.id}`)}>
            {t('water')}
          </a>
        )}
        {sensor && (
          <a class="button" href={href('/chart', { node: sensor, metric: 'soil_moisture', zone: v.zone.id })}>
            {t('chart')}
          </a>
        )}
      </footer>
    </article>
  );
}
