// Toy alert engine for the mock: a zone goes under alert when a threat's next 5 minutes
// of straight flight pass within 10 km of its centroid, under pre-alert for the 15
// minutes after that (20 km); it ends 15 s after no threat qualifies. Manual alerts
// (operator API) last duration_s unless cancelled. Emits alert-log events
// (spec/alert-log.md) through onEvent, in order.

import { toKm, segmentDistance } from './geo.js';

const ALERT_AHEAD_S = 300;
const PREALERT_AHEAD_S = 900;
const ALERT_KM = 10;
const PREALERT_KM = 20;
const HOLD_S = 15;

export function createAlertEngine({ zones, now, onEvent }) {
  const zonePts = zones.map((z) => ({ id: z.id, p: toKm([z.lon, z.lat]) }));
  const open = new Map(); // zone -> {alert, zone, kind, started, category, threats, expected_at, manual, last, until}
  const log = [];
  const arrivals = new Map(); // track id -> [{zone, earliest}]
  let nextAlert = 1;
  let nextPre = 1;

  function emit(e) { log.push(e); if (log.length > 20000) log.splice(0, 5000); onEvent(e); }

  function start(zone, kind, t, category, threats, expectedS, manual) {
    const id = kind === 'alert' ? `A-${String(nextAlert++).padStart(6, '0')}` : `P-${String(nextPre++).padStart(6, '0')}`;
    const a = { alert: id, zone, kind, started: t, category, threats, expected_at: expectedS == null ? null : t + expectedS, manual, last: t };
    open.set(zone, a);
    const e = { event: kind === 'alert' ? 'start' : 'prestart', alert: id, zone, time: t, threats, category };
    if (expectedS != null) e.expected_s = +expectedS.toFixed(1);
    if (manual) e.manual = true;
    emit(e);
    return a;
  }

  function end(a, t, reason) {
    open.delete(a.zone);
    const e = { event: a.kind === 'alert' ? 'end' : 'preend', alert: a.alert, zone: a.zone, time: t, reason };
    if (a.manual) e.manual = true;
    emit(e);
  }

  return {
    tick(tracks) {
      const t = now();
      const want = new Map(); // zone -> {kind, eta, threats, category}
      arrivals.clear();
      for (const tr of tracks) {
        if (tr.category === 'aircraft') continue;
        const speed = Math.hypot(tr.vel[0], tr.vel[1]);
        const reach = (s) => Math.min(tr.remaining_km, speed * s);
        const along = (km) => [tr.pos[0] + (tr.vel[0] / speed) * km, tr.pos[1] + (tr.vel[1] / speed) * km];
        const a = tr.pos; const b = along(reach(ALERT_AHEAD_S)); const c = along(reach(PREALERT_AHEAD_S));
        const minX = Math.min(a[0], c[0]) - PREALERT_KM; const maxX = Math.max(a[0], c[0]) + PREALERT_KM;
        const minY = Math.min(a[1], c[1]) - PREALERT_KM; const maxY = Math.max(a[1], c[1]) + PREALERT_KM;
        const mine = [];
        for (const z of zonePts) {
          if (z.p[0] < minX || z.p[0] > maxX || z.p[1] < minY || z.p[1] > maxY) continue;
          const [d1, f1] = segmentDistance(z.p, a, b);
          let kind = null; let eta = 0;
          if (d1 < ALERT_KM) { kind = 'alert'; eta = (f1 * Math.hypot(b[0] - a[0], b[1] - a[1])) / speed; } else {
            const [d2, f2] = segmentDistance(z.p, b, c);
            if (d2 < PREALERT_KM) { kind = 'prealert'; eta = (Math.hypot(b[0] - a[0], b[1] - a[1]) + f2 * Math.hypot(c[0] - b[0], c[1] - b[1])) / speed; }
          }
          if (!kind) continue;
          mine.push({ zone: z.id, earliest: +(t + eta).toFixed(1) });
          const w = want.get(z.id);
          if (!w || (w.kind === 'prealert' && kind === 'alert')) want.set(z.id, { kind, eta, threats: [tr.id], category: tr.category });
          else if (w.kind === kind) { w.threats.push(tr.id); if (eta < w.eta) { w.eta = eta; w.category = tr.category; } }
        }
        mine.sort((x, y) => x.earliest - y.earliest);
        arrivals.set(tr.id, mine.slice(0, 12));
      }
      for (const [zone, w] of want) {
        const a = open.get(zone);
        if (a && a.manual) continue;
        if (!a) { start(zone, w.kind, t, w.category, w.threats, w.eta, false); continue; }
        if (a.kind === w.kind || (a.kind === 'alert' && w.kind === 'prealert')) { a.last = t; continue; }
        end(a, t, 'escalated'); // prealert -> alert
        start(zone, 'alert', t, w.category, w.threats, w.eta, false);
      }
      for (const a of [...open.values()]) {
        if (a.manual ? t >= a.until : (!want.has(a.zone) && t - a.last > HOLD_S)) end(a, t, a.manual ? 'expired' : 'threat_passed');
      }
    },
    manualStart(zone, category, durationS) {
      const t = now();
      const old = open.get(zone);
      if (old) end(old, t, 'operator');
      const a = start(zone, 'alert', t, category, [], null, true);
      a.until = t + durationS;
      return a.alert;
    },
    cancel(pred) {
      const t = now();
      const ended = [];
      for (const a of [...open.values()]) if (pred(a)) { end(a, t, 'operator'); ended.push(a.alert); }
      return ended;
    },
    active() {
      return [...open.values()].map(({ alert, zone, kind, started, category, threats, expected_at, manual }) => ({ alert, zone, kind, started, category, threats, expected_at, manual }));
    },
    history({ zone, since, limit }) {
      let ev = log;
      if (zone) ev = ev.filter((e) => e.zone === zone);
      if (since != null) ev = ev.filter((e) => e.time >= since);
      return ev.slice(Math.max(0, ev.length - limit));
    },
    arrivalsFor(id) { return arrivals.get(id) || []; },
  };
}
