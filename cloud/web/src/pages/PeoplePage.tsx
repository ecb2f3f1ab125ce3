import { PasswordChange, Slug, UserConfig, type ApiTokenInfo, type Farm, type User } from '@ruong/shared';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { failureText } from '../failure.ts';
import { loadFarms } from '../farm-data.ts';
import { useI18n } from '../i18n.ts';
import { schemaMessage } from '../schema-messages.ts';
import { usePolling } from '../route.ts';

type Draft = { username: string; name: string; role: 'farmer' | 'staff'; farms: string[]; password: string };
const EMPTY: Draft = { username: '', name: '', role: 'farmer', farms: [], password: '' };

/** Staff: the cooperative's people, and adding or changing one (a new password resets theirs). */
export function PeoplePage(props: { user: User }) {
  const { t, lang } = useI18n();
  const [people, setPeople] = useState<User[]>();
  const [farms, setFarms] = useState<Farm[]>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const load = async () => {
    const [{ users }, fs] = await Promise.all([api<{ users: User[] }>('/api/v1/users'), loadFarms()]);
    setPeople(users);
    setFarms(fs);
  };
  usePolling(load, 60_000, []);
  if (!people) return <p class="muted">{t('loading')}</p>;

  const save = async (e: Event) => {
    e.preventDefault();
    setMessage(undefined);
    const body = { name: draft.name, role: draft.role, farms: draft.role === 'farmer' ? draft.farms : [], ...(draft.password && { password: draft.password }) };
    const errs: Partial<Record<keyof Draft, string>> = {};
    const username = Slug.safeParse(draft.username);
    if (!username.success) errs.username = username.error.issues[0]!.message;
    const parsed = UserConfig.safeParse(body);
    if (!parsed.success) for (const i of parsed.error.issues) errs[String(i.path[0]) as keyof Draft] ??= i.message;
    setErrors(errs);
    if (Object.keys(errs).length) return setMessage({ kind: 'error', text: t('fixErrors') });
    try {
      await api(`/api/v1/users/${draft.username}`, { method: 'PUT', body });
      await load();
      setMessage({ kind: 'ok', text: t('personSaved', { u: draft.username }) });
      setDraft(EMPTY);
    } catch (err) {
      const f = err as ApiFailure;
      setErrors(Object.fromEntries(f.issues.map((i) => [i.path.split('.')[0], i.message])));
      setMessage({ kind: 'error', text: f.status === 403 ? t('forbidden') : failureText(f, t) });
    }
  };
  const input = (name: 'username' | 'name' | 'password', type: 'text' | 'password' = 'text') => (
    <label class={errors[name] ? 'invalid' : ''}>
      {t(name)}
      {type === 'password' ? (
        <input name={name} type="password" value={draft[name]} autocomplete="new-password" onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} />
      ) : (
        <input name={name} value={draft[name]} autocomplete="off" autocapitalize={name === 'username' ? 'none' : undefined} onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} />
      )}
      {errors[name] && <span class="field-error">{schemaMessage(errors[name], lang)}</span>}
    </label>
  );
  return (
    <>
      <section class="card">
        <h1>{t('people')}</h1>
        <ul class="rules" data-testid="people">
          {people.map((p) => (
            <li>
              <strong>{p.username}</strong> · {p.name} · {t(`role.${p.role}`)}
              {p.role === 'farmer' && ` · ${p.farms.map((id) => farms.find((f) => f.id === id)?.name ?? id).join(', ')}`}
              <span class="actions">
                {p.role !== 'admin' && (
                  <button type="button" onClick={() => setDraft({ username: p.username, name: p.name, role: p.role === 'staff' ? 'staff' : 'farmer', farms: p.farms, password: '' })}>
                    {t('edit')}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <form class="card editor" onSubmit={save}>
        <h2>{t('addPerson')}</h2>
        <div class="grid">
          {input('username')}
          {input('name')}
          <label>
            {t('role')}
            <select name="role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Draft['role'] })}>
              <option value="farmer">{t('role.farmer')}</option>
              <option value="staff">{t('role.staff')}</option>
            </select>
          </label>
          {input('password', 'password')}
        </div>
        {draft.role === 'farmer' && (
          <fieldset class="farms">
            <legend>{t('memberOf')}</legend>
            {farms.map((f) => (
              <label class="check">
                <input type="checkbox" name={`farm-${f.id}`} checked={draft.farms.includes(f.id)} onChange={(e) => setDraft({ ...draft, farms: e.currentTarget.checked ? [...draft.farms, f.id] : draft.farms.filter((x) => x !== f.id) })} />
                {f.name}
              </label>
            ))}
          </fieldset>
        )}
        {message && (
          <p class={message.kind === 'ok' ? 'ok' : 'error'} role="status" data-testid="people-message">
            {message.text}
          </p>
        )}
        <button type="submit" class="primary">
          {t('save')}
        </button>
      </form>
    </>
  );
}

/** Everyone: a new password, given the current one. */
function PasswordForm() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = PasswordChange.safeParse({ current, password });
    if (!parsed.success) return setMessage({ kind: 'error', text: parsed.error.issues[0]!.message });
    try {
      await api('/api/v1/me/password', { method: 'PUT', body: parsed.data });
      setMessage({ kind: 'ok', text: t('passwordChanged') });
      setCurrent('');
      setPassword('');
    } catch (err) {
      setMessage({ kind: 'error', text: (err as ApiFailure).status === 403 ? t('wrongCurrentPassword') : failureText(err, t) });
    }
  };
  return (
    <form class="row" onSubmit={submit}>
      <h2>{t('changePassword')}</h2>
      <label>
        {t('currentPassword')}
        <input type="password" value={current} autocomplete="current-password" onInput={(e) => setCurrent(e.currentTarget.value)} required />
      </label>
      <label>
        {t('newPassword')}
        <input type="password" value={password} autocomplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} required />
      </label>
      <button type="submit">{t('save')}</button>
      {message && <p class={message.kind === 'ok' ? 'ok' : 'error'}>{message.text}</p>}
    </form>
  );
}

/** Everyone: API tokens for their own scripts; a new token is shown once. */
export function AccountPage(props: { user: User }) {
  const { t } = useI18n();
  const [tokens, setTokens] = useState<ApiTokenInfo[]>();
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<string>();
  const load = () => api<{ tokens: ApiTokenInfo[] }>('/api/v1/me/tokens').then((r) => setTokens(r.tokens));
  usePolling(load, 60_000, []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const res = await api<{ token: string }>('/api/v1/me/tokens', { method: 'POST', body: { label } });
      setCreated(res.token);
      setLabel('');
      await load();
    } catch (err) {
      setError(failureText(err, t));
    }
  };
  const revoke = async (id: string) => {
    await api(`/api/v1/me/tokens/${id}`, { method: 'DELETE' });
    await load();
  };
  return (
    <section class="card">
      <h1>
        {props.user.name} · {t(`role.${props.user.role}`)}
      </h1>
      <h2>{t('apiTokens')}</h2>
      <ul class="rules">
        {(tokens ?? []).map((tok) => (
          <li>
            <strong>{tok.label}</strong>
            <span class="actions">
              <button type="button" class="danger" onClick={() => revoke(tok.id)}>
                {t('revoke')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={create}>
        <label>
          {t('tokenLabel')}
          <input value={label} onInput={(e) => setLabel(e.currentTarget.value)} required maxLength={100} />
        </label>
        <button type="submit" class="primary">
          {t('createToken')}
        </button>
      </form>
      <PasswordForm />
      {created && (
        <p class="ok" data-testid="new-token">
          {t('tokenOnce')} <code>{created}</code>
        </p>
      )}
      {error && <p class="error">{error}</p>}
    </section>
  );
}
