// The operator panel: log in with a bearer token (validated by GET
// /api/operator/whoami), select zones or draw a polygon, issue a manual alert, cancel
// (an alert, the selected zones, or everything), and confirm two-person requests
// with another operator's token. Every API error is shown with the server's message.

import { t, onLangChange } from './i18n.js';
import { api } from './api.js';
import { message, reportError } from './messages.js';
import { activeAlert } from './zonestate.js';
import { esc } from './format.js';

const $ = (id) => document.getElementById(id);

export class OperatorPanel {
  // map: ConsoleMap; onIssued(): refresh alerts after an action.
  constructor({ map, zoneName, onChanged }) {
    this.map = map;
    this.zoneName = zoneName;
    this.onChanged = onChanged;
    this.session = null; // {token, operator, role}
    this.mode = 'none';
    this.selected = new Set();
    this.drawPts = [];
    this.drawClosed = false;
    this.pending = new Map(); // R-id -> {request, regions, zones, operator}
    this.serverListsRequests = true; // GET /api/operator/requests is optional
    this.wire();
    onLangChange(() => this.render());
    const saved = sessionStorage.getItem('tocsin.token');
    if (saved) this.login(saved, { quiet: true });
    setInterval(() => { if (this.session) this.refreshPending(); }, 5000);
    this.render();
  }

  wire() {
    $('op-login').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const tok = $('op-token').value.trim();
      if (!tok) { message(t('msg.noToken'), { error: true }); return; }
      this.login(tok);
    });
    $('op-logout').addEventListener('click', () => this.logout());
    for (const r of document.querySelectorAll('input[name="op-mode"]')) {
      r.addEventListener('change', () => { if (r.checked) this.setMode(r.value); });
    }
    $('op-clear-sel').addEventListener('click', () => { for (const z of [...this.selected]) this.toggleZone(z); });
    $('op-draw-finish').addEventListener('click', () => this.finishDraw());
    $('op-draw-clear').addEventListener('click', () => { this.drawPts = []; this.drawClosed = false; this.redrawPolygon(); });
    $('op-issue-zones').addEventListener('click', () => this.issueZones());
    $('op-issue-polygon').addEventListener('click', () => this.issuePolygon());
    $('op-cancel-sel').addEventListener('click', () => this.cancelSelected());
    $('op-cancel-all').addEventListener('click', () => {
      if (window.confirm(t('op.confirmCancelAll'))) this.cancel({ all: true });
    });
    $('op-confirm-by-id').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = $('op-confirm-id').value.trim();
      if (id) this.confirm(id, $('op-confirm-id-token').value.trim());
    });
    $('op-pending').addEventListener('click', (ev) => {
      const b = ev.target.closest('[data-confirm]');
      if (!b) return;
      const input = b.parentElement.querySelector('input');
      this.confirm(b.dataset.confirm, input ? input.value.trim() : '');
    });
    $('op-audit').addEventListener('toggle', () => { if ($('op-audit').open) this.loadAudit(); });
    $('op-audit-refresh').addEventListener('click', () => this.loadAudit());
  }

  get canWrite() {
    if (!this.session) return false;
    return typeof this.session.may_act === 'boolean' ? this.session.may_act : this.session.role !== 'viewer';
  }

  async login(token, { quiet = false } = {}) {
    try {
      const { data } = await api('/api/operator/whoami', { token });
      this.session = { token, operator: data.operator, role: data.role, may_act: data.may_act };
      sessionStorage.setItem('tocsin.token', token);
      $('op-token').value = '';
      if (!quiet) message(t('msg.loggedIn', { operator: data.operator }));
      this.refreshPending();
    } catch (e) {
      sessionStorage.removeItem('tocsin.token');
      if (!quiet) reportError(t('act.login'), e);
      this.session = null;
    }
    this.render();
    this.onChanged();
  }

  logout() {
    this.session = null;
    sessionStorage.removeItem('tocsin.token');
    this.setMode('none');
    this.render();
    this.onChanged();
  }

  setMode(mode) {
    this.mode = mode;
    for (const r of document.querySelectorAll('input[name="op-mode"]')) r.checked = r.value === mode;
    if (mode === 'draw') this.map.map.doubleClickZoom.disable(); else this.map.map.doubleClickZoom.enable();
    this.map.map.getCanvas().style.cursor = mode === 'none' ? '' : 'crosshair';
    this.render();
  }

  // Map click in operator mode; returns true when the click was used here.
  handleClick(picked, lngLat) {
    if (!this.session) return false;
    if (this.mode === 'draw') {
      if (this.drawClosed) { this.drawPts = []; this.drawClosed = false; }
      this.drawPts.push([+lngLat.lng.toFixed(5), +lngLat.lat.toFixed(5)]);
      this.redrawPolygon();
      return true;
    }
    if (this.mode === 'select' && picked?.kind === 'zone') { this.toggleZone(picked.id); return true; }
    return false;
  }

  handleDblClick() {
    if (this.session && this.mode === 'draw') { this.finishDraw(); return true; }
    return false;
  }

  toggleZone(id) {
    if (this.selected.has(id)) this.selected.delete(id); else this.selected.add(id);
    this.map.setSelectedZones([...this.selected]);
    this.render();
  }

  finishDraw() {
    // A double-click also adds two vertices at the same spot: drop repeats.
    this.drawPts = this.drawPts.filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    if (this.drawPts.length >= 3) this.drawClosed = true;
    this.redrawPolygon();
  }

  redrawPolygon() { this.map.setDraw(this.drawPts, this.drawClosed); this.render(); }

  options() {
    const body = { category: $('op-category').value, duration_s: Number($('op-duration').value) || 600 };
    const note = $('op-note').value.trim();
    if (note) body.note = note;
    return body;
  }

  async issueZones() {
    if (!this.session) { message(t('msg.needLogin'), { error: true }); return; }
    if (this.selected.size === 0) { message(t('msg.noSelection'), { error: true }); return; }
    await this.issue({ zones: [...this.selected], ...this.options() });
  }

  async issuePolygon() {
    if (!this.session) { message(t('msg.needLogin'), { error: true }); return; }
    if (!this.drawClosed || this.drawPts.length < 3) { message(t('msg.noPolygon'), { error: true }); return; }
    await this.issue({ polygon: [...this.drawPts, this.drawPts[0]], ...this.options() });
  }

  async issue(body) {
    try {
      const { status, data } = await api('/api/operator/alerts', { method: 'POST', body, token: this.session.token });
      if (status === 202 || data.status === 'pending') {
        this.pending.set(data.request, { request: data.request, regions: data.regions || [], zones: body.zones ? body.zones.length : null, operator: this.session.operator });
        message(t('msg.pending', { id: data.request, regions: (data.regions || []).join(', ') }));
      } else {
        message(t('msg.issued', { n: (data.alerts || []).length, ids: (data.ids || data.alerts || []).join(', ') }));
      }
      this.render();
      this.onChanged();
    } catch (e) { reportError(t('act.issue'), e); }
  }

  async cancel(body) {
    if (!this.session) { message(t('msg.needLogin'), { error: true }); return false; }
    try {
      const { data } = await api('/api/operator/cancel', { method: 'POST', body, token: this.session.token });
      message(t('msg.cancelled', { ids: (data && data.alerts ? data.alerts.join(', ') : JSON.stringify(body)) }));
      this.onChanged();
      return true;
    } catch (e) { reportError(t('act.cancel'), e); return false; }
  }

  async cancelSelected() {
    if (this.selected.size === 0) { message(t('msg.noSelection'), { error: true }); return; }
    const zones = [...this.selected];
    const open = zones.filter((z) => activeAlert(z));
    for (const zone of open.length ? open : zones) await this.cancel({ zone });
  }

  cancelAlert(alert) { return this.cancel({ alert }); }

  async confirm(id, otherToken) {
    const token = otherToken || this.session?.token;
    if (!token) { message(t('msg.needLogin'), { error: true }); return; }
    try {
      const { data } = await api(`/api/operator/requests/${encodeURIComponent(id)}/confirm`, { method: 'POST', body: {}, token });
      this.pending.delete(id);
      message(t('msg.confirmed', { id, ids: (data.ids || data.alerts || []).join(', ') }));
      this.render();
      this.onChanged();
    } catch (e) { reportError(t('act.confirm', { id }), e); }
  }

  // Pending requests from GET /api/operator/pending ({"requests":[{request,
  // requested_by, time, zones, regions, category, note}]}); a server without it
  // leaves the panel showing the requests made from this browser.
  async refreshPending() {
    if (!this.serverListsRequests || !this.session) return;
    try {
      const { data } = await api('/api/operator/pending', { token: this.session.token });
      const fresh = new Map();
      for (const r of data.requests || []) {
        fresh.set(r.request, { request: r.request, regions: r.regions || [], zones: Array.isArray(r.zones) ? r.zones.length : null, operator: r.requested_by });
      }
      this.pending = fresh;
      this.render();
    } catch (e) {
      if (e.status === 404 || e.status === 405) this.serverListsRequests = false;
    }
  }

  async loadAudit() {
    if (!this.session) return;
    try {
      const { data } = await api('/api/operator/audit', { token: this.session.token });
      $('op-audit-list').innerHTML = (data.entries || []).slice(-30).reverse()
        .map((e) => `<li><span class="ev-time">${esc(new Date(e.time * 1000).toLocaleTimeString())}</span> <b>${esc(e.operator)}</b> ${esc(e.action)} <span class="muted">${esc(typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail))}</span></li>`).join('');
    } catch (e) { reportError(t('act.audit'), e); }
  }

  render() {
    const s = this.session;
    $('op-login').hidden = !!s;
    $('op-panel').hidden = !s;
    if (!s) return;
    $('op-who').textContent = t('op.loggedIn', { operator: s.operator, role: s.role });
    $('op-viewer').hidden = this.canWrite;
    for (const id of ['op-issue-zones', 'op-issue-polygon', 'op-cancel-sel', 'op-cancel-all']) $(id).disabled = !this.canWrite;
    $('op-selected').textContent = t('op.selected', { n: this.selected.size });
    $('op-selected-list').innerHTML = [...this.selected].map((z) => `<span title="${esc(z)}">${esc(this.zoneName(z))}</span>`).join('');
    $('op-draw-info').hidden = this.mode !== 'draw' && this.drawPts.length === 0;
    $('op-draw-hint').hidden = this.mode !== 'draw';
    $('op-draw-count').textContent = t('op.drawPoints', { n: this.drawPts.length });
    this.renderPending();
  }

  renderPending() {
    const key = [...this.pending.keys()].join(',') + t('op.confirm');
    if (key === this.pendingKey) return; // keep a half-typed token
    this.pendingKey = key;
    const items = [...this.pending.values()];
    $('op-pending').innerHTML = items.length === 0 ? `<p class="muted">${esc(t('op.noPending'))}</p>`
      : items.map((r) => `<div class="pending" data-request="${esc(r.request)}"><div>${esc(t('op.requestBy', { id: r.request, n: r.zones ?? '?', regions: r.regions.join(', '), operator: r.operator || '?' }))}</div>
          <div class="row"><input type="password" autocomplete="off" placeholder="${esc(t('op.confirmToken'))}"><button type="button" data-confirm="${esc(r.request)}">${esc(t('op.confirm'))}</button></div></div>`).join('');
  }
}
