// The alert state of every zone, from GET /api/alerts/active, GET /api/alerts/history
// and the SSE alert events (spec/alert-log.md). Pure bookkeeping: the map and panels
// subscribe with onChange(zoneIds => ...).

import { serverNow } from './clock.js';

export const CLEARED_S = 600; // how long a zone shows as "recently cleared"

const active = new Map(); // zone -> {alert, kind, started, category, threats, expected_at, manual}
const cleared = new Map(); // zone -> time its alert ended
const events = []; // alert-log events, oldest first (bounded)
const listeners = [];
const eventListeners = [];
const MAX_EVENTS = 2000;

function changed(zones) { if (zones.length) for (const f of listeners) f(zones); }

export function onChange(f) { listeners.push(f); }
export function onEvent(f) { eventListeners.push(f); }

export function stateOf(zone, now = serverNow()) {
  const a = active.get(zone);
  if (a) return a.kind === 'prealert' ? 'prealert' : 'alert';
  const c = cleared.get(zone);
  if (c !== undefined && now - c < CLEARED_S) return 'cleared';
  return 'quiet';
}

export function activeAlert(zone) { return active.get(zone) || null; }
export function activeAlerts() { return [...active.entries()].map(([zone, a]) => ({ zone, ...a })); }
export function recentEvents() { return events; }
export function counts() {
  let alerts = 0; let prealerts = 0;
  for (const a of active.values()) { if (a.kind === 'prealert') prealerts++; else alerts++; }
  return { alerts, prealerts };
}

function remember(e) {
  events.push(e);
  if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
}

// Applies one alert-log event; returns true when a zone's state changed.
export function applyEvent(e, { record = true } = {}) {
  if (!e || typeof e.zone !== 'string') return false;
  const known = ['start', 'end', 'prestart', 'preend'];
  if (!known.includes(e.event)) return false; // readers skip kinds they do not know
  if (record) remember(e);
  const zone = e.zone;
  const before = stateOf(zone);
  if (e.event === 'start' || e.event === 'prestart') {
    const cur = active.get(zone);
    // A pre-alert never hides an open alert.
    if (!(e.event === 'prestart' && cur && cur.kind === 'alert')) {
      active.set(zone, {
        alert: e.alert, kind: e.event === 'start' ? 'alert' : 'prealert', started: e.time,
        category: e.category || 'unknown', threats: e.threats || [],
        expected_at: Number.isFinite(e.expected_s) ? e.time + e.expected_s : null, manual: !!e.manual,
      });
    }
  } else {
    const cur = active.get(zone);
    if (cur && cur.alert === e.alert) {
      active.delete(zone);
      if (e.event === 'end') cleared.set(zone, e.time);
    }
  }
  for (const f of eventListeners) f(e);
  changed([zone]); // even when the state is the same, details (expected time) may differ
  return before !== stateOf(zone);
}

// Loads history (oldest first) at start-up or after a reconnect: recent events and
// recently cleared zones. Does not notify per event.
export function loadHistory(list) {
  const seen = new Set(events.map((e) => `${e.event}|${e.alert}`));
  for (const e of list) {
    if (seen.has(`${e.event}|${e.alert}`)) continue;
    remember(e);
    if (e.event === 'end') cleared.set(e.zone, Math.max(cleared.get(e.zone) ?? 0, e.time));
  }
  events.sort((a, b) => a.time - b.time);
  changed([...cleared.keys()]);
}

// Replaces the open alerts with the server's list (GET /api/alerts/active).
export function reconcile(list) {
  const touched = new Set(active.keys());
  active.clear();
  for (const a of list) {
    const cur = active.get(a.zone);
    if (cur && cur.kind === 'alert' && a.kind === 'prealert') continue;
    active.set(a.zone, {
      alert: a.alert, kind: a.kind === 'prealert' ? 'prealert' : 'alert', started: a.started,
      category: a.category || 'unknown', threats: a.threats || [], expected_at: a.expected_at ?? null, manual: !!a.manual,
    });
    touched.add(a.zone);
  }
  changed([...touched]);
}

// Zones whose "recently cleared" has just run out.
export function expireCleared(now = serverNow()) {
  const gone = [];
  for (const [zone, time] of cleared) {
    if (now - time >= CLEARED_S) { cleared.delete(zone); if (!active.has(zone)) gone.push(zone); }
  }
  changed(gone);
}
