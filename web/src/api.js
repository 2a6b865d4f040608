// JSON requests to the tocsin serve API. Every failure becomes an ApiError whose message
// says what went wrong (the server's {"error": ...} text when it sent one).

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export const apiBase = ''; // same origin: tocsin serve hosts both the console and /api

export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(apiBase + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, t('err.network', { msg: e.message }));
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch {
      if (res.ok) throw new ApiError(res.status, t('err.badJson'));
    }
  }
  if (!res.ok) {
    const msg = (data && typeof data.error === 'string' && data.error) || text.slice(0, 200) || res.statusText;
    throw new ApiError(res.status, t('err.http', { msg, status: res.status }));
  }
  return { status: res.status, data };
}
