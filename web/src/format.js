// Formatting of times, durations and numbers for the panels.

import { t, getLang } from './i18n.js';

export function clockTime(unixSeconds) {
  if (!Number.isFinite(unixSeconds)) return '—';
  return new Date(unixSeconds * 1000).toLocaleTimeString(getLang() === 'uk' ? 'uk-UA' : 'en-GB', { hour12: false });
}

export function dateTime(unixSeconds) {
  if (!Number.isFinite(unixSeconds)) return '—';
  return new Date(unixSeconds * 1000).toLocaleString(getLang() === 'uk' ? 'uk-UA' : 'en-GB', { hour12: false });
}

// "m:ss" (or "h:mm:ss") for a non-negative number of seconds.
export function countdown(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600); const m = Math.floor((s % 3600) / 60); const r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

export function int(n) {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString(getLang() === 'uk' ? 'uk-UA' : 'en-GB');
}

export function speed(mps) {
  if (!Number.isFinite(mps)) return '—';
  return `${Math.round(mps)} ${t('units.mps')} (${Math.round(mps * 3.6)} ${t('units.kmh')})`;
}

export function metres(m) { return Number.isFinite(m) ? `${int(m)} ${t('units.m')}` : '—'; }

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
