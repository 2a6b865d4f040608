// The "Details" card: what was clicked (a zone, a track or a sensor). Zone: name (as in
// the catalog), shelter time, population, state with countdown, its alert history.
// Track: class, speed, altitude, heading, predicted arrival per zone (GET
// /api/tracks/<id> "arrivals", re-read every 2 s while the track is selected; the
// list's own "arrivals" are used when the server has no such route).

import { t, getLang } from './i18n.js';
import { api } from './api.js';
import { serverNow } from './clock.js';
import { stateOf, activeAlert } from './zonestate.js';
import { clockTime, dateTime, countdown, int, speed, metres, esc } from './format.js';
import { reportError } from './messages.js';

export class Details {
  constructor({ body, zoneInfo, tracks, sensors, onZone, canCancel, cancelAlert }) {
    this.body = body;
    this.zoneInfo = zoneInfo; // () => Map id -> {props}
    this.tracks = tracks; // () => [track]
    this.sensors = sensors; // () => [sensor]
    this.onZone = onZone; // (zoneId) => void, when a zone link is clicked
    this.canCancel = canCancel; // () => bool
    this.cancelAlert = cancelAlert; // (alertId) => void
    this.sel = null; // {kind, id}
    this.history = null; // events of the selected zone (oldest first) or null while loading
    this.trackDetail = null; // GET /api/tracks/<id> of the selected track, or null
    this.trackDetailRoute = true; // false once the server answered 404/405 for a live track
    this.trackTimer = null;
    body.addEventListener('click', (ev) => {
      const z = ev.target.closest('[data-zone]');
      if (z) { this.onZone(z.dataset.zone); return; }
      const c = ev.target.closest('[data-cancel]');
      if (c) this.cancelAlert(c.dataset.cancel);
    });
  }

  zoneName(id) {
    const z = this.zoneInfo().get(id);
    return z ? z.props.name || id : id;
  }

  show(kind, id) {
    this.sel = kind ? { kind, id } : null;
    this.history = null;
    this.trackDetail = null;
    clearTimeout(this.trackTimer);
    if (kind === 'zone') this.loadHistory(id);
    if (kind === 'track') this.loadTrack(id);
    this.render();
  }

  async loadTrack(id) {
    if (!this.trackDetailRoute) return;
    const still = () => this.sel?.kind === 'track' && this.sel.id === id;
    try {
      const { data } = await api(`/api/tracks/${encodeURIComponent(id)}`);
      if (!still()) return;
      this.trackDetail = data;
      this.render();
    } catch (e) {
      if (!still()) return;
      // 404: the track is gone (the list will say so), or an older server without
      // the route while the track is still in the list: use the list's arrivals.
      if ((e.status === 404 || e.status === 405) && this.tracks().some((x) => x.id === id)) this.trackDetailRoute = false;
      else if (e.status !== 404) reportError(t('act.track', { id }), e);
    }
    if (still() && this.trackDetailRoute) this.trackTimer = setTimeout(() => this.loadTrack(id), 2000);
  }

  async loadHistory(id) {
    try {
      const { data } = await api(`/api/alerts/history?zone=${encodeURIComponent(id)}&limit=50`);
      if (this.sel?.kind === 'zone' && this.sel.id === id) { this.history = data.events || []; this.render(); }
    } catch (e) {
      reportError(t('act.history'), e);
      if (this.sel?.kind === 'zone' && this.sel.id === id) { this.history = []; this.render(); }
    }
  }

  // A zone's alert event arrived: keep its history current.
  noteEvent(e) {
    if (this.sel?.kind === 'zone' && this.sel.id === e.zone && this.history) { this.history.push(e); this.render(); }
  }

  render() {
    const s = this.sel;
    if (!s) { this.body.innerHTML = `<p class="muted">${esc(t('info.empty'))}</p>`; return; }
    if (s.kind === 'zone') this.body.innerHTML = this.zoneHtml(s.id);
    else if (s.kind === 'track') this.body.innerHTML = this.trackHtml(s.id);
    else if (s.kind === 'sensor') this.body.innerHTML = this.sensorHtml(s.id);
  }

  zoneHtml(id) {
    const z = this.zoneInfo().get(id);
    const p = z ? z.props : { id };
    const st = stateOf(id);
    const a = activeAlert(id);
    const now = serverNow();
    let stateText = `<span class="state-${st}" data-testid="zone-state" data-state="${st}">${esc(t(`state.${st}`))}</span>`;
    if (a) {
      stateText += ` <span class="tag">${esc(a.alert)}</span> ${esc(t('alert.since', { time: clockTime(a.started) }))}`;
      stateText += `, ${esc(t(`cat.${a.category}`))}`;
      if (a.manual) stateText += ` <span class="tag">${esc(t('alert.manual'))}</span>`;
      if (a.expected_at) {
        stateText += `<br>${esc(a.expected_at > now ? t('alert.expected', { t: countdown(a.expected_at - now) }) : t('alert.expectedPassed'))}`;
      }
      if (a.threats?.length) stateText += `<br><span class="muted">${esc(t('alert.threats'))}:</span> ${esc(a.threats.join(', '))}`;
    }
    const en = getLang() === 'en' && p.name_en ? `<div class="muted">${esc(p.name_en)}</div>` : '';
    let hist = `<p class="muted">${esc(t('info.loading'))}</p>`;
    if (this.history) {
      hist = this.history.length === 0 ? `<p class="muted">${esc(t('zone.noHistory'))}</p>`
        : `<ol class="hist">${[...this.history].reverse().map((e) => `<li><span class="ev-time">${esc(dateTime(e.time))}</span><span class="ev-${esc(e.event)}">${esc(t(`ev.${e.event}`))}</span>${e.category ? `<span>${esc(t(`cat.${e.category}`))}</span>` : ''}${e.reason ? `<span class="muted">${esc(t(`reason.${e.reason}`))}</span>` : ''}</li>`).join('')}</ol>`;
    }
    const cancel = a && this.canCancel() ? `<button type="button" class="danger" data-cancel="${esc(a.alert)}">${esc(t('zone.cancel', { id: a.alert }))}</button>` : '';
    return `<h3 data-testid="zone-name">${esc(p.name || id)}</h3>${en}
      <dl>
        <dt>${esc(t('zone.id'))}</dt><dd>${esc(id)}</dd>
        <dt>${esc(t('zone.region'))}</dt><dd>${esc(p.region ?? p.parent ?? '—')}</dd>
        <dt>${esc(t('zone.shelter'))}</dt><dd>${Number.isFinite(p.shelter_s) ? `${int(p.shelter_s)} ${esc(t('units.s'))}` : '—'}</dd>
        <dt>${esc(t('zone.population'))}</dt><dd>${Number.isFinite(p.population) ? int(p.population) : '—'}</dd>
        <dt>${esc(t('zone.state'))}</dt><dd>${stateText}</dd>
      </dl>${cancel}
      <h3>${esc(t('zone.history'))}</h3>${hist}`;
  }

  trackHtml(id) {
    const tr = this.tracks().find((x) => x.id === id);
    if (!tr) return `<p class="muted">${esc(t('track.gone', { id }))}</p>`;
    const now = serverNow();
    const detail = this.trackDetail && this.trackDetail.id === id ? this.trackDetail : null;
    const source = detail ? detail.arrivals : tr.arrivals;
    const arrivals = (source || []).slice().sort((a, b) => a.earliest - b.earliest);
    const arr = !source && this.trackDetailRoute ? `<p class="muted">${esc(t('info.loading'))}</p>`
      : arrivals.length === 0 ? `<p class="muted">${esc(t('track.noArrivals'))}</p>`
      : `<ol class="hist" data-testid="arrivals">${arrivals.map((a) => `<li data-zone="${esc(a.zone)}"><span class="ev-time">${esc(a.earliest > now ? countdown(a.earliest - now) : '0:00')}</span><span>${esc(this.zoneInfo().has(a.zone) ? this.zoneName(a.zone) : a.name || a.zone)}</span><span class="muted">${esc(clockTime(a.earliest))}</span></li>`).join('')}</ol>`;
    return `<h3>${esc(t('track.title', { id }))}</h3>
      <dl>
        <dt>${esc(t('track.class'))}</dt><dd>${esc(t(`cat.${tr.category}`))}</dd>
        <dt>${esc(t('track.speed'))}</dt><dd>${esc(speed(tr.speed_mps))}</dd>
        <dt>${esc(t('track.altitude'))}</dt><dd>${esc(metres(tr.alt_m))}</dd>
        <dt>${esc(t('track.heading'))}</dt><dd>${Number.isFinite(tr.heading_deg) ? `${Math.round(tr.heading_deg)}°` : '—'}</dd>
        <dt>${esc(t('track.vertical'))}</dt><dd>${Number.isFinite(tr.vel_up) ? `${tr.vel_up.toFixed(1)} ${esc(t('units.mps'))}` : '—'}</dd>
        <dt>${esc(t('track.confidence'))}</dt><dd>${Number.isFinite(tr.confidence) ? `${Math.round(tr.confidence * 100)}%` : '—'}</dd>
      </dl>
      <h3>${esc(t('track.arrivals'))}</h3>${arr}`;
  }

  sensorHtml(id) {
    const s = this.sensors().find((x) => x.id === id);
    if (!s) return `<p class="muted">${esc(id)}</p>`;
    return `<h3>${esc(t('sensor.title', { id }))}</h3>
      <dl>
        <dt>${esc(t('sensor.type'))}</dt><dd>${esc(t(`sensortype.${s.type}`))}</dd>
        <dt>${esc(t('sensor.range'))}</dt><dd>${Number.isFinite(s.range_m) ? `${(s.range_m / 1000).toFixed(1)} ${esc(t('units.km'))}` : '—'}</dd>
        <dt>${esc(t('track.altitude'))}</dt><dd>${esc(metres(s.alt_m))}</dd>
        <dt>${esc(t('zone.state'))}</dt><dd class="${s.stale ? 'state-alert' : 'state-cleared'}">${esc(t(s.stale ? 'sensor.stale' : 'sensor.ok'))}</dd>
      </dl>`;
  }
}
