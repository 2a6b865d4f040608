#!/usr/bin/env node
// Mock of the `tocsin serve` HTTP API (notes/serve-contracts.md) for developing and
// testing the console without the C++ server. Plain Node, no dependencies.
//
// Serves web/dist at / and the API under /api with moving fake tracks over Odesa and
// Kyiv, a toy alert engine (zones ahead of a threat go under alert / pre-alert), SSE
// alert events, and the operator API (tokens below). Everything is in memory.
//
// Usage: node mock/server.js [--port 8088] [--tracks 300] [--exercise]
//   env: MOCK_ZONES, MOCK_REGIONS (GeoJSON paths; default ../data/zones/ua-*.geojson)
// Operator tokens: op-alice (operator), op-bob (operator), sup-dana (supervisor),
// view-carol (viewer).
// Also GET /api/operator/pending as tocsin serve has it.
// Test hooks (not part of the real API): POST /mock/drop-streams closes every SSE
// stream; GET /mock/stats.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrackSim } from './tracks.js';
import { createAlertEngine } from './alerts.js';
import { pointInPolygon, ringCentroid } from './geo.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repoDir = path.resolve(webDir, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  return v === undefined || v.startsWith('--') ? true : v;
}

const port = Number(arg('port', process.env.MOCK_PORT || 8088));
const trackCount = Number(arg('tracks', process.env.MOCK_TRACKS || 120));
const mode = arg('exercise', process.env.MOCK_MODE === 'exercise') ? 'exercise' : 'live';
const distDir = path.resolve(arg('dist', path.join(webDir, 'dist')));
const zonesPath = process.env.MOCK_ZONES || path.join(repoDir, 'data/zones/ua-hromadas.geojson');
const regionsPath = process.env.MOCK_REGIONS || path.join(repoDir, 'data/zones/ua-oblasts.geojson');

function loadGeoJson(file, what) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`mock: cannot read ${what} ${file}: ${e.message}. Set MOCK_ZONES/MOCK_REGIONS to a GeoJSON FeatureCollection.`);
    process.exit(2);
  }
}

// Zones as the real server describes them: id,name,region,shelter_s,population (+ name_en).
const rawZones = loadGeoJson(zonesPath, 'zone catalog');
const zonesGeo = {
  type: 'FeatureCollection',
  features: rawZones.features.map((f) => ({
    type: 'Feature',
    properties: {
      id: f.properties.id,
      name: f.properties.name,
      name_en: f.properties.name_en,
      region: f.properties.region ?? f.properties.parent ?? '',
      shelter_s: f.properties.shelter_s ?? 90,
      population: f.properties.population ?? null,
    },
    geometry: f.geometry,
  })),
};
const zones = zonesGeo.features.map((f) => {
  const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]
    : f.geometry.coordinates.reduce((a, p) => (p[0].length > a.length ? p[0] : a), []);
  const [lon, lat] = ringCentroid(ring);
  return { id: f.properties.id, region: f.properties.region, lat, lon };
});
const zoneById = new Map(zones.map((z) => [z.id, z]));
const zoneNames = new Map(zonesGeo.features.map((f) => [f.properties.id, f.properties.name]));
const regionsGeo = fs.existsSync(regionsPath) ? loadGeoJson(regionsPath, 'regions')
  : { type: 'FeatureCollection', features: [] };
const zonesBody = JSON.stringify(zonesGeo);
const regionsBody = JSON.stringify(regionsGeo);

const sensors = [
  { id: 'RAD-ODS', type: 'radar', lat: 46.55, lon: 30.65, alt_m: 60, range_m: 250000, stale: false },
  { id: 'RAD-MYK-2D', type: 'radar', lat: 46.97, lon: 32.0, alt_m: 40, range_m: 300000, stale: false },
  { id: 'RAD-KYV', type: 'radar', lat: 50.35, lon: 30.9, alt_m: 150, range_m: 200000, stale: false },
  { id: 'RAD-CHN', type: 'radar', lat: 51.5, lon: 31.3, alt_m: 130, range_m: 180000, stale: true },
];
for (let i = 0; i < 24; i++) {
  const lat = 46.1 + 0.09 * (i % 6) + 0.02 * Math.sin(i);
  const lon = 30.2 + 0.14 * Math.floor(i / 6) + 0.02 * Math.cos(i);
  sensors.push({ id: `AC-ODS-${String(i + 1).padStart(3, '0')}`, type: 'acoustic', lat, lon, alt_m: 100, range_m: 4000, stale: i === 7 });
}
for (let i = 0; i < 12; i++) {
  const lat = 50.2 + 0.1 * (i % 4);
  const lon = 30.25 + 0.15 * Math.floor(i / 4);
  sensors.push({ id: `AC-KYV-${String(i + 1).padStart(3, '0')}`, type: 'acoustic', lat, lon, alt_m: 150, range_m: 4000, stale: false });
}
sensors.push({ id: 'OBS', type: 'observer', lat: 48.5, lon: 31.0, alt_m: 0, stale: false });

const now = () => Date.now() / 1000;
const startedAt = now();
const sim = createTrackSim({ count: trackCount, zones, now });
const engine = createAlertEngine({ zones, now, onEvent: publish });

// ---------------------------------------------------------------- SSE
const streams = new Set(); // {res, zones:Set|null}
function publish(event) {
  const line = JSON.stringify({ ...event, mode });
  for (const s of streams) {
    if (s.zones && !s.zones.has(event.zone)) continue;
    s.res.write(`event: alert\ndata: ${line}\n\n`);
  }
}
setInterval(() => { for (const s of streams) s.res.write(': keepalive\n\n'); }, 15000);
setInterval(() => engine.tick(sim.snapshot(now())), 500);

// ---------------------------------------------------------------- operators
const operators = {
  'op-alice': { operator: 'alice', role: 'operator' },
  'op-bob': { operator: 'bob', role: 'operator' },
  'sup-dana': { operator: 'dana', role: 'supervisor' },
  'view-carol': { operator: 'carol', role: 'viewer' },
};
const audit = [];
const requests = new Map(); // R-id -> {id, operator, zones, regions, category, note, duration_s, created}
let nextRequest = 1;

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function authenticate(req, { write = true } = {}) {
  const h = req.headers.authorization || '';
  const m = /^Bearer\s+(.+)$/.exec(h);
  if (!m) throw new HttpError(401, 'missing operator token: send "Authorization: Bearer <token>"');
  const who = operators[m[1].trim()];
  if (!who) throw new HttpError(401, 'unknown operator token: check the token you were given');
  if (write && who.role === 'viewer') throw new HttpError(403, `operator ${who.operator} has role viewer, which cannot issue or cancel alerts`);
  return who;
}

function zonesOfBody(body) {
  if (Array.isArray(body.zones)) {
    if (body.zones.length === 0) throw new HttpError(400, '"zones" is empty: select at least one zone');
    for (const z of body.zones) {
      if (!zoneById.has(z)) throw new HttpError(400, `unknown zone "${z}": use an id from GET /api/zones`);
    }
    return [...new Set(body.zones)];
  }
  if (Array.isArray(body.polygon)) {
    const ring = body.polygon;
    if (ring.length < 3 || !ring.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
      throw new HttpError(400, '"polygon" must be at least 3 [lon,lat] points');
    }
    const inside = zones.filter((z) => pointInPolygon([z.lon, z.lat], ring)).map((z) => z.id);
    if (inside.length === 0) throw new HttpError(400, 'the polygon contains no zone: draw it around the zones to alert');
    return inside;
  }
  throw new HttpError(400, 'body needs "zones":[ids] or "polygon":[[lon,lat],...]');
}

const categories = new Set(['drone', 'cruise_missile', 'ballistic_missile', 'rocket', 'aircraft', 'unknown']);

function issue(who, body) {
  const ids = zonesOfBody(body);
  const category = body.category ?? 'unknown';
  if (!categories.has(category)) throw new HttpError(400, `unknown category "${category}": use one of ${[...categories].join(', ')}`);
  const duration = body.duration_s ?? 600;
  if (!(Number(duration) > 0)) throw new HttpError(400, '"duration_s" must be a positive number of seconds');
  const regions = [...new Set(ids.map((z) => zoneById.get(z).region))];
  if (regions.length > 1 && !body._confirmed) {
    const id = `R-${String(nextRequest++).padStart(6, '0')}`;
    requests.set(id, { id, operator: who.operator, zones: ids, regions, category, note: body.note ?? '', duration_s: duration, created: now() });
    audit.push({ time: now(), operator: who.operator, action: 'request', detail: `${id} ${ids.length} zones in ${regions.length} regions` });
    return [202, { status: 'pending', request: id, regions }];
  }
  const alerts = ids.map((z) => engine.manualStart(z, category, Number(duration)));
  audit.push({ time: now(), operator: who.operator, action: 'issue', detail: `${ids.length} zones ${category}${body.note ? ` note: ${body.note}` : ''}` });
  return [200, { status: 'issued', alerts }];
}

// ---------------------------------------------------------------- HTTP
const mime = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

function sendJson(res, status, obj) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => { data += c; if (data.length > 1e6) reject(new HttpError(413, 'body larger than 1 MB')); });
    req.on('end', () => {
      if (!data) return resolve({});
      try { resolve(JSON.parse(data)); } catch (e) { reject(new HttpError(400, `body is not valid JSON: ${e.message}`)); }
    });
    req.on('error', reject);
  });
}

function serveStatic(res, pathname) {
  let rel = decodeURIComponent(pathname);
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(distDir, `.${rel}`);
  if (!file.startsWith(distDir)) return sendJson(res, 400, { error: 'bad path' });
  fs.readFile(file, (err, data) => {
    if (err) {
      if (rel === '/index.html') return sendJson(res, 404, { error: `no console build in ${distDir}: run scripts/build-web.sh` });
      return sendJson(res, 404, { error: `no such file ${rel}` });
    }
    res.writeHead(200, { 'content-type': mime[path.extname(file)] || 'application/octet-stream' });
    res.end(data);
  });
}

async function route(req, res) {
  const url = new URL(req.url, 'http://mock');
  const p = url.pathname;
  const q = url.searchParams;
  if (req.method === 'GET' && p === '/api/health') {
    const a = engine.active();
    return sendJson(res, 200, {
      status: 'ok', mode, time: now(), uptime_s: now() - startedAt, tracks: sim.count(),
      alerts: a.filter((x) => x.kind === 'alert').length, prealerts: a.filter((x) => x.kind === 'prealert').length,
      sensors_stale: sensors.filter((s) => s.stale).map((s) => s.id),
    });
  }
  if (req.method === 'GET' && p === '/api/zones') return sendJson(res, 200, zonesBody);
  if (req.method === 'GET' && p === '/api/regions') return sendJson(res, 200, regionsBody);
  if (req.method === 'GET' && p === '/api/sensors') return sendJson(res, 200, { sensors });
  if (req.method === 'GET' && p === '/api/alerts/active') return sendJson(res, 200, { alerts: engine.active() });
  if (req.method === 'GET' && p === '/api/alerts/history') {
    const limit = q.has('limit') ? Number(q.get('limit')) : 1000;
    if (!(limit >= 0)) return sendJson(res, 400, { error: `limit "${q.get('limit')}" is not a number` });
    return sendJson(res, 200, { events: engine.history({ zone: q.get('zone'), since: q.has('since') ? Number(q.get('since')) : null, limit }).map((e) => ({ ...e, mode })) });
  }
  if (req.method === 'GET' && p === '/api/tracks') {
    const t = now();
    return sendJson(res, 200, { time: t, tracks: sim.tracks(t, engine) });
  }
  if (req.method === 'GET' && p.startsWith('/api/tracks/')) { // like tocsin serve: one track with its arrivals
    const t = now(); const id = decodeURIComponent(p.slice('/api/tracks/'.length));
    const tr = sim.tracks(t, engine).find((x) => x.id === id);
    if (!tr) return sendJson(res, 404, { error: `no live track '${id}'; see GET /api/tracks` });
    return sendJson(res, 200, { ...tr, arrivals: tr.arrivals.map((a) => ({ ...a, name: zoneNames.get(a.zone) ?? a.zone })) });
  }
  if (req.method === 'GET' && p === '/api/stream') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const filter = q.get('zones') ? new Set(q.get('zones').split(',')) : null;
    const s = { res, zones: filter };
    streams.add(s);
    res.write(`event: hello\ndata: ${JSON.stringify({ time: now(), mode })}\n\n`);
    req.on('close', () => streams.delete(s));
    return undefined;
  }
  if (p === '/mock/drop-streams' && req.method === 'POST') {
    const n = streams.size;
    for (const s of streams) s.res.destroy();
    streams.clear();
    return sendJson(res, 200, { dropped: n });
  }
  if (p === '/mock/stats') return sendJson(res, 200, { streams: streams.size, tracks: sim.count(), active: engine.active().length });
  if (p.startsWith('/api/operator/')) {
    if (req.method === 'GET' && p === '/api/operator/whoami') {
      const who = authenticate(req, { write: false });
      return sendJson(res, 200, { ...who, may_act: who.role !== 'viewer' });
    }
    if (req.method === 'GET' && p === '/api/operator/audit') {
      authenticate(req, { write: false });
      return sendJson(res, 200, { entries: audit.slice(-200) });
    }
    if (req.method === 'GET' && p === '/api/operator/pending') {
      authenticate(req, { write: false });
      return sendJson(res, 200, {
        requests: [...requests.values()].map((r) => ({ request: r.id, requested_by: r.operator, time: r.created, zones: r.zones, regions: r.regions, category: r.category, note: r.note })),
      });
    }
    if (req.method === 'POST' && p === '/api/operator/alerts') {
      const who = authenticate(req);
      const [status, body] = issue(who, await readBody(req));
      return sendJson(res, status, body);
    }
    const m = /^\/api\/operator\/requests\/([^/]+)\/confirm$/.exec(p);
    if (req.method === 'POST' && m) {
      const who = authenticate(req);
      const r = requests.get(m[1]);
      if (!r) throw new HttpError(404, `no pending request ${m[1]}: it was confirmed already or never existed`);
      if (r.operator === who.operator) throw new HttpError(403, `request ${r.id} was made by ${who.operator}; a different operator must confirm it`);
      requests.delete(r.id);
      const [, body] = issue(who, { zones: r.zones, category: r.category, note: r.note, duration_s: r.duration_s, _confirmed: true });
      audit.push({ time: now(), operator: who.operator, action: 'confirm', detail: `${r.id} by ${r.operator}` });
      return sendJson(res, 200, body);
    }
    if (req.method === 'POST' && p === '/api/operator/cancel') {
      const who = authenticate(req);
      const body = await readBody(req);
      let ended;
      if (body.all === true) ended = engine.cancel(() => true);
      else if (typeof body.alert === 'string') ended = engine.cancel((a) => a.alert === body.alert);
      else if (typeof body.zone === 'string') ended = engine.cancel((a) => a.zone === body.zone);
      else throw new HttpError(400, 'body needs "alert":"A-..", "zone":"..", or "all":true');
      if (ended.length === 0) throw new HttpError(404, `nothing to cancel for ${JSON.stringify(body)}: no matching active alert`);
      audit.push({ time: now(), operator: who.operator, action: 'cancel', detail: JSON.stringify(body) });
      return sendJson(res, 200, { status: 'cancelled', alerts: ended });
    }
    throw new HttpError(404, `no operator route ${req.method} ${p}`);
  }
  if (p.startsWith('/api/')) throw new HttpError(404, `no route ${req.method} ${p}`);
  if (req.method !== 'GET') throw new HttpError(405, `${req.method} not allowed on ${p}`);
  return serveStatic(res, p);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((e) => {
    if (!(e instanceof HttpError)) console.error(e);
    sendJson(res, e.status || 500, { error: e.message });
  });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`mock: tocsin API on http://127.0.0.1:${port}/ (${zones.length} zones, ${trackCount} tracks, mode ${mode}, dist ${distDir})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
