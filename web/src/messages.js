// Short messages at the bottom of the screen: confirmations and every API error.

import { t } from './i18n.js';

const box = () => document.getElementById('messages');

export function message(text, { error = false, ms } = {}) {
  const el = document.createElement('div');
  el.className = error ? 'msg error' : 'msg';
  el.setAttribute('role', error ? 'alert' : 'status');
  el.textContent = text;
  el.title = t('close');
  el.addEventListener('click', () => el.remove());
  box().appendChild(el);
  while (box().children.length > 6) box().firstChild.remove();
  setTimeout(() => el.remove(), ms ?? (error ? 20000 : 6000));
  return el;
}

// "<action> failed: <what the server said> (HTTP 4xx)".
export function reportError(action, err) {
  console.warn(action, err);
  return message(t('err.action', { action, msg: err?.message || String(err) }), { error: true });
}
