import type { Farm, User } from '@ruong/shared';
import type { ComponentChildren } from 'preact';
import { useI18n, type MessageKey } from '../i18n.ts';

const NAV: { path: string; label: MessageKey; staff?: true }[] = [
  { path: '/', label: 'overview' },
  { path: '/chart', label: 'charts' },
  { path: '/log', label: 'log' },
  { path: '/alerts', label: 'alerts' },
  { path: '/rules', label: 'rules', staff: true },
  { path: '/people', label: 'people', staff: true },
  { path: '/account', label: 'account' },
];

/** The header every page shares: farm, pages, language switch, sign out. */
export function Shell(props: { user: User | undefined; farms: Farm[]; farm: Farm | undefined; onFarm: (id: string) => void; path: string; onSignOut: () => void; children: ComponentChildren }) {
  const { t, lang, setLang } = useI18n();
  const { user, farms, farm } = props;
  const isStaff = user?.role === 'staff' || user?.role === 'admin';
  return (
    <>
      <header class="top">
        <div class="bar">
          <a class="brand" href="#/">
            {t('appName')}
          </a>
          {farms.length > 1 ? (
            <select aria-label={t('farm')} value={farm?.id} onChange={(e) => props.onFarm(e.currentTarget.value)}>
              {farms.map((f) => (
                <option value={f.id}>{f.name}</option>
              ))}
            </select>
          ) : (
            farm && <span class="farm-name">{farm.name}</span>
          )}
          <span class="spacer" />
          <button type="button" class="link" data-testid="lang" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
            {t('language')}
          </button>
          {user && (
            <button type="button" class="link" onClick={props.onSignOut} title={user.name}>
              {t('signOut')}
            </button>
          )}
        </div>
        {user && (
          <nav>
            {NAV.filter((n) => !n.staff || isStaff).map((n) => (
              <a href={`#${n.path}`} class={(n.path === '/' ? props.path === '/' : props.path.startsWith(n.path)) ? 'active' : ''}>
                {t(n.label)}
              </a>
            ))}
          </nav>
        )}
      </header>
      <main>{props.children}</main>
    </>
  );
}
