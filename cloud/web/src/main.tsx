import './zod-without-eval.ts';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { Farm, Language, User } from '@ruong/shared';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, whenSignedOut } from './api.ts';
import { Shell } from './components/Shell.tsx';
import { loadFarms } from './farm-data.ts';
import { applyLanguage, I18n, initialLanguage, translator } from './i18n.ts';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { ChartPage } from './pages/ChartPage.tsx';
import { LogPage } from './pages/LogPage.tsx';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { AccountPage, PeoplePage } from './pages/PeoplePage.tsx';
import { RuleEditorPage } from './pages/RuleEditorPage.tsx';
import { RulesPage } from './pages/RulesPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { ZonePage } from './pages/ZonePage.tsx';
import { useRoute } from './route.ts';

function App() {
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [farms, setFarms] = useState<Farm[]>([]);
  const [farmId, setFarmId] = useState<string | null>(() => localStorage.getItem('ruong.farm'));
  const route = useRoute();

  const i18n = useMemo(() => {
    applyLanguage(lang);
    return { lang, t: translator(lang), setLang: setLangState };
  }, [lang]);

  useEffect(() => {
    whenSignedOut(() => setUser(null));
    api<User>('/api/v1/me').then(setUser, () => setUser(null));
  }, []);
  useEffect(() => {
    if (user) loadFarms().then(setFarms, () => setFarms([]));
  }, [user]);

  const farm = farms.find((f) => f.id === farmId) ?? farms[0];
  const chooseFarm = (id: string) => {
    localStorage.setItem('ruong.farm', id);
    setFarmId(id);
  };

  let page;
  if (user === undefined) page = <p class="muted">{i18n.t('loading')}</p>;
  else if (user === null) page = <SignInPage onSignedIn={setUser} />;
  else if (!farm) page = <p class="muted">{i18n.t('loading')}</p>;
  else if (route.path === '/chart') page = <ChartPage farm={farm} params={route.params} />;
  else if (route.path.startsWith('/zone/')) page = <ZonePage farm={farm} zoneId={decodeURIComponent(route.path.slice(6))} />;
  else if (route.path === '/log') page = <LogPage farm={farm} />;
  else if (route.path === '/alerts') page = <AlertsPage farm={farm} />;
  else if (route.path === '/people') page = <PeoplePage user={user} />;
  else if (route.path === '/account') page = <AccountPage user={user} />;
  else if (route.path === '/rules') page = <RulesPage farm={farm} user={user} />;
  else if (route.path === '/rules/edit') page = <RuleEditorPage farm={farm} user={user} ruleId={route.params.get('id') ?? undefined} />;
  else page = <OverviewPage farm={farm} />;

  return (
    <I18n.Provider value={i18n}>
      <Shell
        user={user ?? undefined}
        farms={farms}
        farm={farm}
        onFarm={chooseFarm}
        path={route.path}
        onSignOut={async () => {
          await api('/api/v1/session', { method: 'DELETE' });
          setUser(null);
        }}
      >
        {page}
      </Shell>
    </I18n.Provider>
  );
}

render(<App />, document.getElementById('app')!);
