import type { Command } from '@ruong/shared';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';

const STEPS = ['createdAt', 'sentAt', 'deliveredAt', 'doneAt', 'failedAt', 'expiredAt'] as const;
const STEP_STATE = { createdAt: 'queued', sentAt: 'sent', deliveredAt: 'delivered', doneAt: 'done', failedAt: 'failed', expiredAt: 'expired' } as const;

/** Commands, each with the states it went through and when. */
export function CommandList(props: { commands: Command[]; timeZone: string }) {
  const { t, lang } = useI18n();
  if (props.commands.length === 0) return <p class="muted">{t('noCommands')}</p>;
  return (
    <ul class="commands">
      {props.commands.map((c) => (
        <li data-testid="command" data-state={c.state}>
          <strong>{t(`action.${c.action}`)}</strong>
          {c.durationSec !== undefined && ` ${t('nMin', { n: Math.round(c.durationSec / 60) })}`} · {c.node} · {c.source === 'person' ? t('byPerson') : t('byRule')}
          <span class={`badge ${c.state}`}>{t(`state.${c.state}`)}</span>
          <ol class="steps">
            {STEPS.filter((s) => c[s] !== undefined).map((s) => (
              <li>
                {t(`state.${STEP_STATE[s]}`)} {formatTime(c[s]!, lang, props.timeZone)}
              </li>
            ))}
          </ol>
          {c.detail && <span class="detail">{c.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
