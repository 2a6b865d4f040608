// Start-up and wiring of the console: loads the catalog, sensors and alerts, follows
// the SSE alert stream, polls /api/tracks (1 Hz), animates the map every frame, and
// exposes window.__tocsin for the Playwright tests.

import './style.css';
import { t, setLang, getLang, applyStatic, onLangChange } from './i18n.js';
import { api } from './api.js';
import { observeServerTime, serverNow } from './clock.js';
import * as zs from './zonestate.js';
import { ConsoleMap } from './map.js';
import { connectStream } from './stream.js';
import { Details } from './details.js';
import { Timeline } from './timeline.js';
import { OperatorPanel } from './operator.js';
import { message, reportError } from './messages.js';
import { countdown, clockTime } from './format.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const TRACK_POLL_MS = 1000;
const HEALTH_POLL_MS = 5000;
const ACTIVE_POLL_MS = 15000;

// ------------------------------------------------------------ test probe
const probe = {
  ready: false,
  zonesLoaded: 0,
  zonesRendered: 0,
  tracks: 0,
  pauseAnimation: params.has('noanim'),
  frames: 0, // requestAnimationFrame callbacks
  mapRenders: 0, // frames the map actually drew
  sseConnected: false,
  events: 0,
  stateChanges: {}, // zone -> {state, eventAt, appliedAt, visibleAt} (Date.now() ms)
  eventReceived: {}, // zone -> Date.now() ms when the page's EventSource got its last alert event
  zoneState: (id) => zs.stateOf(id),
  activeAlerts: () => zs.activeAlerts(),
};
window.__tocsin = probe;

applyStatic();
document.documentElement.lang = getLang();
$('lang-toggle').addEventListener('click', () => setLang(getLang() === 'en' ? 'uk' : 'en'));

const map = new ConsoleMap($('map'), $('overlay'), { tileUrl: params.get('tiles') || localStorage.getItem('tocsin.tiles') || '' });
probe.map = map.map;
probe.console = map;
let sensors = [];
map.labelText = (tr) => `${Math.round((tr.speed_mps || 0) * 3.6)} ${t('units.kmh')} · ${Number.isFinite(tr.alt_m) ? `${Math.round(tr.alt_m)} ${t('units.m')}` : `— ${t('units.m')}`}`;
map.countdownZones = () => {
  const now = serverNow(); const out = [];
  for (const a of zs.activeAlerts()) {
    if (a.kind === 'alert' && a.expected_at && a.expected_at > now) out.push({ zone: a.zone, text: countdown(a.expected_at - now) });
  }
  return out;
};

const zoneName = (id) => map.zoneInfo.get(id)?.props.name || id;
const operator = new OperatorPanel({ map, zoneName, onChanged: () => { refreshActive(); details.render(); } });
const details = new Details({
  body: $('info-body'),
  zoneInfo: () => map.zoneInfo,
  tracks: () => map.tracks,
  sensors: () => sensors,
  onZone: (id) => selectZone(id, true),
  canCancel: () => operator.canWrite,
  cancelAlert: (id) => operator.cancelAlert(id),
});
const timeline = new Timeline($('timeline-list'), { zoneName, onZone: (id) => selectZone(id, true) });

function selectZone(id, fly) {
  map.selectedTrack = null;
  details.show('zone', id);
  if (fly) map.flyToZone(id);
}

// ------------------------------------------------------------ zone states -> map
// Zone colours are repainted in batches at most every ZONE_BATCH_MS (each repaint
// redraws the cached overlay layer).
const ZONE_BATCH_MS = 100;
const awaitingRender = new Set();
const zonesToPaint = new Set();
let paintTimer = null; let lastPaint = 0;
zs.onChange((zones) => {
  for (const z of zones) zonesToPaint.add(z);
  if (paintTimer) return;
  paintTimer = setTimeout(paintZones, Math.max(0, ZONE_BATCH_MS - (performance.now() - lastPaint)));
});
function paintZones() {
  paintTimer = null; lastPaint = performance.now();
  const now = Date.now();
  const zones = [...zonesToPaint];
  zonesToPaint.clear();
  for (const z of zones) {
    const state = zs.stateOf(z);
    map.setZoneState(z, state);
    const rec = probe.stateChanges[z] || (probe.stateChanges[z] = {});
    if (rec.state !== state) { rec.state = state; rec.appliedAt = now; rec.visibleAt = null; awaitingRender.add(z); }
  }
  scheduleStats();
}
map.map.on('render', () => { probe.mapRenders++; });
map.onSlowDrawn = () => {
  if (awaitingRender.size) {
    const now = Date.now();
    for (const z of awaitingRender) probe.stateChanges[z].visibleAt = now;
    awaitingRender.clear();
  }
};

let statsPending = false;
function scheduleStats() {
  if (statsPending) return;
  statsPending = true;
  setTimeout(() => {
    statsPending = false;
    const c = zs.counts();
    $('stat-alerts').textContent = c.alerts;
    $('stat-prealerts').textContent = c.prealerts;
  }, 200);
}

// ------------------------------------------------------------ clicks
map.map.on('click', (ev) => {
  const picked = map.pick(ev.point);
  if (operator.handleClick(picked, ev.lngLat)) return;
  if (!picked) { map.selectedTrack = null; details.show(null); return; }
  if (picked.kind === 'track') { map.selectedTrack = picked.id; details.show('track', picked.id); }
  else if (picked.kind === 'zone') selectZone(picked.id, false);
  else { map.selectedTrack = null; details.show('sensor', picked.id); }
});
map.map.on('dblclick', (ev) => { if (operator.handleDblClick()) ev.preventDefault(); });
for (const cb of document.querySelectorAll('[data-layer]')) {
  cb.addEventListener('change', () => map.setGroupVisible(cb.dataset.layer, cb.checked));
}

// ------------------------------------------------------------ banners
let streamState = { connected: false, retryAt: null };
let trackFailures = 0; let trackError = '';
function renderConnBanner() {
  const b = $('banner-conn');
  const lines = [];
  if (!streamState.connected && streamState.retryAt) {
    const s = Math.max(0, Math.ceil((streamState.retryAt - Date.now()) / 1000));
    lines.push(s > 0 ? t('banner.connLost', { s }) : t('banner.connRetrying'));
  }
  if (trackFailures >= 3) lines.push(t('banner.tracksLost', { msg: trackError }));
  b.hidden = lines.length === 0;
  b.textContent = lines.join(' · ');
}
setInterval(() => {
  renderConnBanner();
  $('stat-clock').textContent = clockTime(serverNow());
  zs.expireCleared();
  map.slowDirty = true; // countdown labels
  if (details.sel) details.render();
}, 1000);

function setMode(mode) {
  $('stat-mode').textContent = t(`mode.${mode}`);
  $('stat-mode').dataset.mode = mode;
  $('banner-exercise').hidden = mode !== 'exercise';
}
let currentMode = null;
onLangChange(() => {
  if (currentMode) setMode(currentMode);
  timeline.renderAll(zs.recentEvents());
  details.render();
  renderConnBanner();
});

// ------------------------------------------------------------ data loading
// GET with the error shown; retries with backoff until it works, or returns
// `fallback` after one failure when one is given (optional data).
async function load(path, what, fallback) {
  for (let attempt = 0; ; attempt++) {
    try { return (await api(path)).data; } catch (e) {
      reportError(t('act.load', { what }), e);
      if (fallback !== undefined) return fallback;
      await new Promise((r) => setTimeout(r, Math.min(30000, 2000 * 2 ** attempt)));
    }
  }
}

async function checkHealth() {
  try {
    const { data } = await api('/api/health');
    currentMode = data.mode === 'exercise' ? 'exercise' : 'live';
    setMode(currentMode);
    if (Number.isFinite(data.time)) observeServerTime(data.time);
  } catch (e) { /* the banners already say the server is unreachable */ }
}
async function pollHealth() {
  await checkHealth();
  setTimeout(pollHealth, HEALTH_POLL_MS);
}

async function refreshActive() {
  try { zs.reconcile((await api('/api/alerts/active')).data.alerts || []); } catch (e) { reportError(t('act.load', { what: '/api/alerts/active' }), e); }
}

async function pollTracks() {
  const started = performance.now();
  try {
    const { data } = await api('/api/tracks');
    if (Number.isFinite(data.time)) observeServerTime(data.time);
    map.setTracks(Array.isArray(data.tracks) ? data.tracks : []);
    probe.tracks = map.tracks.length;
    $('stat-tracks').textContent = map.tracks.length;
    if (details.sel?.kind === 'track') details.render();
    trackFailures = 0;
  } catch (e) {
    trackFailures++; trackError = e.message;
    if (trackFailures === 3) reportError(t('act.tracks'), e);
  }
  setTimeout(pollTracks, Math.max(100, TRACK_POLL_MS - (performance.now() - started)));
}

let lastEventTime = 0;
async function loadHistory(since) {
  // Event times are the server's (scenario) clock, which a demo runs in the past and
  // faster than real time: the first load takes the newest events whatever their time.
  const q = since ? `?since=${since}&limit=2000` : '?limit=1000';
  const data = await load(`/api/alerts/history${q}`, '/api/alerts/history', { events: [] });
  const events = data.events || [];
  zs.loadHistory(events);
  for (const e of events) lastEventTime = Math.max(lastEventTime, e.time || 0);
  timeline.renderAll(zs.recentEvents());
}

function onAlertEvent(e, receivedAt) {
  probe.events++;
  lastEventTime = Math.max(lastEventTime, e.time || 0);
  const zone = e.zone;
  if (zone) probe.eventReceived[zone] = receivedAt;
  zs.applyEvent(e);
  if (zone && probe.stateChanges[zone]) probe.stateChanges[zone].eventAt = receivedAt;
  timeline.add(e);
  details.noteEvent(e);
}

async function start() {
  await map.loaded;
  await checkHealth(); // learn the server's clock before reading alert times
  setTimeout(pollHealth, HEALTH_POLL_MS);
  const [zonesFc, regionsFc, sensorData] = await Promise.all([
    load('/api/zones', '/api/zones'),
    load('/api/regions', '/api/regions', { type: 'FeatureCollection', features: [] }),
    load('/api/sensors', '/api/sensors', { sensors: [] }),
  ]);
  map.setZones(zonesFc);
  map.setRegions(regionsFc && regionsFc.features ? regionsFc : { type: 'FeatureCollection', features: [] });
  sensors = (sensorData && sensorData.sensors) || [];
  map.setSensors(sensors);
  probe.zonesLoaded = map.zoneInfo.size;
  await loadHistory(null);
  await refreshActive();
  connectStream({
    onEvent: onAlertEvent,
    onStatus: (s) => {
      streamState = s;
      probe.sseConnected = s.connected;
      renderConnBanner();
      if (s.reconnected) { // catch up on what happened while the stream was down
        loadHistory(Math.floor(lastEventTime));
        refreshActive();
      }
    },
  });
  setInterval(refreshActive, ACTIVE_POLL_MS);
  pollTracks();
  // Ready for tests once the overlay has drawn the zones (two frames later).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    probe.zonesRendered = map.zonesRenderedCount();
    $('test-probe').dataset.zonesLoaded = probe.zonesLoaded;
    $('test-probe').dataset.zonesRendered = probe.zonesRendered;
    probe.ready = true;
    $('test-probe').dataset.ready = '1';
  }));
}

function frame() {
  probe.frames++;
  if (!probe.pauseAnimation) map.animate(serverNow());
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
start().catch((e) => message(String(e), { error: true }));
