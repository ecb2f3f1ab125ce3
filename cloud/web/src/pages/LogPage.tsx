import { whyText, type Command, type DecisionRecord, type Farm, type Zone } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CommandList } from '../components/CommandList.tsx';
import { loadCommands, loadZones } from '../farm-data.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { usePolling } from '../route.ts';

/** Why each irrigation happened or did not (decision records), and the commands sent to valves. */
export function LogPage(props: { farm: Farm }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<{ zones: Zone[]; decisions: DecisionRecord[]; commands: Command[] }>();
  usePolling(
    async () => {
      const zones = await loadZones(props.farm.id);
      const mine = new Set(zones.map((z) => z.id));
      const valves = new Set(zones.map((z) => z.valve));
      const [{ decisions }, commands] = await Promise.all([api<{ decisions: DecisionRecord[] }>('/api/v1/decisions?limit=200'), loadCommands(undefined, 100)]);
      setData({ zones, decisions: decisions.filter((d) => mine.has(d.zone)), commands: commands.filter((c) => valves.has(c.node)) });
    },
    15_000,
    [props.farm.id],
  );
  if (!data) return <p class="muted">{t('loading')}</p>;
  const zoneName = (id: string) => data.zones.find((z) => z.id === id)?.name ?? id;
  return (
    <>
      <section class="card">
        <h1>{t('decisions')}</h1>
        {data.decisions.length === 0 ? (
          <p class="muted">{t('noDecisions')}</p>
        ) : (
          <div class="scroll">
            <table data-testid="decisions">
              <thead>
                <tr>
                  <th>{t('time')}</th>
                  <th>{t('zone')}</th>
                  <th>{t('action')}</th>
                  <th>{t('reason')}</th>
                  <th>{t('origin')}</th>
                </tr>
              </thead>
              <tbody>
                {data.decisions.map((d) => (
                  <tr class={d.action}>
                    <td>{formatTime(d.at, lang, props.farm.timeZone)}</td>
                    <td>{zoneName(d.zone)}</td>
                    <td>
                      {t(`decision.${d.action}`)}
                      {d.durationMin !== undefined && ` ${t('nMin', { n: Math.round(d.durationMin) })}`}
                    </td>
                    <td>{d.why ? whyText(d.why, lang) : d.reason}</td>
                    <td>{t(`origin.${d.origin}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card">
        <h2>{t('commands')}</h2>
        <CommandList commands={data.commands} timeZone={props.farm.timeZone} />
      </section>
    </>
  );
}
