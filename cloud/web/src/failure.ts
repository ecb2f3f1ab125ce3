import { ApiFailure } from './api.ts';
import type { Translate } from './i18n.ts';

/** Whether the cloud answered that its store of readings is down for now: readings wait, the rest works. */
export function isStoreDown(err: unknown): boolean {
  return err instanceof ApiFailure && err.code === 'store_unavailable';
}

/** A failed request told in the person's language: what it means for them, not the server's words. */
export function failureText(err: unknown, t: Translate): string {
  if (isStoreDown(err)) return t('storeDown');
  if (err instanceof ApiFailure && err.code === 'unreachable') return t('noConnection');
  return t('error', { m: err instanceof Error ? err.message : String(err) });
}
