import type { User } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { failureText } from '../failure.ts';
import { useI18n } from '../i18n.ts';

export function SignInPage(props: { onSignedIn: (u: User) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await api<User>('/api/v1/session', { method: 'POST', body: { username: form.get('username'), password: form.get('password') } }));
    } catch (err) {
      const f = err as ApiFailure;
      setError(f.status === 401 ? t('wrongPassword') : f.status === 429 ? t('tooManyTries', { s: f.message.match(/(\d+) s$/)?.[1] ?? '…' }) : failureText(f, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h1>{t('signIn')}</h1>
      <label>
        {t('username')}
        <input name="username" autocomplete="username" autocapitalize="none" required />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {t('signIn')}
      </button>
    </form>
  );
}
