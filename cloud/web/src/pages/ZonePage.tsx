import type { Command, Farm, Zone } from '@ruong/shared';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { failureText } from '../failure.ts';
import { CommandList } from '../components/CommandList.tsx';
import { loadCommands, loadZones } from '../farm-data.ts';
import { useI18n } from '../i18n.ts';

const FINAL = new Set(['done', 'failed', 'expired']);

/** Manual irrigation: open the zone's valve for N minutes or close it now, and watch each command to its end. */
export function ZonePage(props: { farm: Farm; zoneId: string }) {
  const { t } = useI18n();
  const [zone, setZone] = useState<Zone>();
  const [minutes, setMinutes] = useState(10);
  const [commands, setCommands] = useState<Command[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    loadZones(props.farm.id).then(
      (zs) => setZone(zs.find((z) => z.id === props.zoneId)),
      (err: unknown) => setError(failureText(err, t)),
    );
  }, [props.farm.id, props.zoneId]);
  const valve = zone?.valve;
  const refresh = () => valve && loadCommands(valve, 10).then(setCommands, () => {});
  useEffect(() => {
    void refresh();
  }, [valve]);
  // While a command is on its way, follow it closely; otherwise now and then.
  const pending = commands.some((c) => !FINAL.has(c.state));
  useEffect(() => {
    const timer = setInterval(refresh, pending ? 1000 : 10_000);
    return () => clearInterval(timer);
  }, [valve, pending]);

  if (!zone) return error ? <p class="error" role="alert">{error}</p> : <p class="muted">{t('loading')}</p>;
  const send = async (action: 'valve.open' | 'valve.close') => {
    setError(undefined);
    try {
      await api('/api/v1/commands', { method: 'POST', body: { node: valve, action, ...(action === 'valve.open' && { durationMin: minutes }) } });
      await refresh();
    } catch (err) {
      setError((err as ApiFailure).status === 403 ? t('forbidden') : failureText(err, t));
    }
  };
  return (
    <section class="card">
      <h1>{t('irrigateZone', { z: zone.name })}</h1>
      {valve ? (
        <div class="irrigate">
          <label>
            {t('minutes')}
            <input type="number" min={1} max={240} value={minutes} onInput={(e) => setMinutes(Number(e.currentTarget.value))} data-testid="minutes" />
          </label>
          <button type="button" class="primary" onClick={() => send('valve.open')} disabled={!(minutes > 0)}>
            {t('openFor', { n: minutes })}
          </button>
          <button type="button" class="danger" onClick={() => send('valve.close')}>
            {t('closeNow')}
          </button>
        </div>
      ) : (
        <p class="muted">{t('noValve')}</p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h2>{t('commands')}</h2>
      <CommandList commands={commands} timeZone={props.farm.timeZone} />
    </section>
  );
}
