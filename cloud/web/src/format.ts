import type { Language } from '@ruong/shared';

const locale = (lang: Language) => (lang === 'vi' ? 'vi-VN' : 'en-GB');

/** A time in the farm's time zone: today's as "14:05", older ones with the date. */
export function formatTime(ts: number, lang: Language, timeZone: string, now = Date.now()): string {
  const sameDay = (a: number, b: number) => new Date(a).toLocaleDateString('en-CA', { timeZone }) === new Date(b).toLocaleDateString('en-CA', { timeZone });
  const opts: Intl.DateTimeFormatOptions = sameDay(ts, now)
    ? { timeZone, hour: '2-digit', minute: '2-digit' }
    : { timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale(lang), opts).format(ts);
}

/** "5 min ago", "3 h ago", in the person's language. */
export function formatAgo(ts: number, lang: Language, now = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { numeric: 'auto' });
  const sec = Math.round((ts - now) / 1000);
  if (Math.abs(sec) < 60) return rtf.format(sec, 'second');
  if (Math.abs(sec) < 3600) return rtf.format(Math.round(sec / 60), 'minute');
  if (Math.abs(sec) < 86_400) return rtf.format(Math.round(sec / 3600), 'hour');
  return rtf.format(Math.round(sec / 86_400), 'day');
}

export function formatNumber(v: number, lang: Language, digits = 1): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
}
