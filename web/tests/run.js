#!/usr/bin/env node
// Browser tests of the console: Playwright (playwright-core) driving Debian's Chromium,
// headless, against a running `tocsin serve`/`tocsin demo` (TOCSIN_URL) or, without
// TOCSIN_URL, against the mock in web/mock (started here with 300 tracks).
//
// env: TOCSIN_URL          base URL of the server (default: start the mock)
//      TOCSIN_OPERATOR_TOKEN, TOCSIN_OPERATOR_TOKEN2  two operators' tokens
//                          (default for the mock: op-alice, op-bob)
//      TOCSIN_MIN_FPS      frames/s the animation test requires (default 30)
//      TOCSIN_MIN_TRACKS   live tracks it requires (default 200 on the mock, 1 otherwise)
//      TOCSIN_TRACKS_WAIT_S  extra seconds to wait for them (default 0)
//      CHROMIUM            browser binary (default /usr/bin/chromium)
//      TEST_FILTER         run only tests whose name contains this
// Screenshots and a summary (results.json) go to web/test-artifacts/.
// Exit status: 0 when every test passed, 1 otherwise.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const artifacts = path.join(webDir, 'test-artifacts');
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (/^failed-\d+\.png$/.test(f)) fs.rmSync(path.join(artifacts, f)); // from earlier runs

const log = (...a) => console.log('[test-web]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const usingMock = !process.env.TOCSIN_URL;
const minFps = Number(process.env.TOCSIN_MIN_FPS || 30);
// Live tracks the frames/s test waits for (up to 30 s + TOCSIN_TRACKS_WAIT_S) and
// requires: 200 on the mock (300 are started); 1 on a real server, whose count depends
// on the scenario (the default demo, odesa-drones, has tens at most).
const minTracks = Number(process.env.TOCSIN_MIN_TRACKS || (usingMock ? 200 : 1));
const tracksWaitS = Number(process.env.TOCSIN_TRACKS_WAIT_S || 0);
const token1 = process.env.TOCSIN_OPERATOR_TOKEN || (usingMock ? 'op-alice' : '');
const token2 = process.env.TOCSIN_OPERATOR_TOKEN2 || (usingMock ? 'op-bob' : '');
const figures = {};

// ------------------------------------------------------------------ server
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

let mock = null;
async function startServer() {
  if (!usingMock) return process.env.TOCSIN_URL.replace(/\/$/, '');
  const port = await freePort();
  mock = spawn(process.execPath, [path.join(webDir, 'mock/server.js'), '--port', String(port), '--tracks', process.env.MOCK_TRACKS || '300'], { stdio: ['ignore', 'inherit', 'inherit'] });
  mock.on('exit', (code) => { if (code) log(`mock exited with status ${code}`); });
  return `http://127.0.0.1:${port}`;
}

async function api(base, p, { method = 'GET', body, token } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, data, text };
}

async function waitForServer(base, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { const r = await api(base, '/api/health'); if (r.status === 200) return r.data; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`no answer from ${base}/api/health within ${timeoutMs / 1000} s: is the server running?`);
    await sleep(300);
  }
}

// A small SSE client: calls onEvent(eventName, data, receivedAtMs).
function sse(base, onEvent) {
  const req = http.get(`${base}/api/stream`, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      const at = Date.now();
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i); buf = buf.slice(i + 2);
        let name = 'message'; const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length) { try { onEvent(name, JSON.parse(data.join('\n')), at); } catch { /* skip */ } }
      }
    });
  });
  req.on('error', () => {});
  return { close: () => req.destroy() };
}

// ------------------------------------------------------------------ harness
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// Finds a quiet zone whose label point is inside it, on screen and away from tracks;
// returns {id, region, x, y} in page coordinates.
async function findClickableZone(page, { exclude = [], region = null, notRegion = null } = {}) {
  return page.evaluate(({ exclude, region, notRegion }) => {
    const cm = window.__tocsin.console; const m = cm.map;
    const rect = m.getContainer().getBoundingClientRect();
    const zones = [...cm.zoneInfo.entries()];
    // West first: the mock's tracks fly in the south and north-east.
    zones.sort((a, b) => a[1].point[0] - b[1].point[0]);
    for (const [id, z] of zones) {
      if (exclude.includes(id) || window.__tocsin.zoneState(id) !== 'quiet') continue;
      const reg = z.props.region ?? z.props.parent;
      if (region && reg !== region) continue;
      if (notRegion && reg === notRegion) continue;
      const p = m.project(z.point);
      if (p.x < 60 || p.y < 60 || p.x > rect.width - 60 || p.y > rect.height - 60) continue;
      if (cm.zoneAt(p.x, p.y) !== id) continue;
      let near = false;
      const pr = cm.projector();
      for (let i = 0; i < cm.tracks.length; i++) {
        const [tx, ty] = pr(cm.trackLL[2 * i], cm.trackLL[2 * i + 1]);
        const dx = tx - p.x; const dy = ty - p.y;
        if (dx * dx + dy * dy < 40 * 40) { near = true; break; }
      }
      if (near) continue;
      return { id, region: reg, x: rect.left + p.x, y: rect.top + p.y };
    }
    return null;
  }, { exclude, region, notRegion });
}

// Logs in through the panel (if not yet) and sets the map-click mode.
async function operatorMode(page, mode) {
  if (await page.isHidden('#op-panel')) {
    await page.fill('#op-token', token1);
    await page.click('#op-login button[type=submit]');
    await page.waitForSelector('#op-panel:not([hidden])', { timeout: 10000 });
  }
  await page.check(`input[name=op-mode][value=${mode}]`);
}

async function main() {
  const base = await startServer();
  log(`server: ${base}${usingMock ? ' (mock, 300 tracks)' : ''}`);
  const health = await waitForServer(base);
  log(`health: mode ${health.mode}, ${health.tracks} tracks, ${health.alerts} alerts`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader-webgl', '--ignore-gpu-blocklist'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => d.accept());

  log('loading the console');
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__tocsin && window.__tocsin.ready, null, { timeout: 120000 });

  test('zones render', async () => {
    const { data } = await api(base, '/api/zones');
    const n = data.features.length;
    const got = await page.evaluate(() => ({ loaded: window.__tocsin.zonesLoaded, rendered: window.__tocsin.zonesRendered }));
    figures.zones = { catalog: n, loaded: got.loaded, rendered: got.rendered };
    assert(got.loaded === n, `console loaded ${got.loaded} zones, GET /api/zones has ${n}`);
    assert(got.rendered >= Math.floor(n * 0.95), `only ${got.rendered} of ${n} zones drawn in the view`);
    const dom = await page.getAttribute('#test-probe', 'data-zones-rendered');
    assert(Number(dom) === got.rendered, `DOM counter says ${dom}, probe ${got.rendered}`);
    await page.screenshot({ path: path.join(artifacts, 'zones.png') });
  });

  test('mode banner matches /api/health', async () => {
    const mode = (await api(base, '/api/health')).data.mode;
    await page.waitForFunction((m) => document.getElementById('stat-mode').dataset.mode === m, mode, { timeout: 10000 });
    const bannerShown = await page.isVisible('#banner-exercise');
    assert(bannerShown === (mode === 'exercise'), `mode ${mode} but EXERCISE banner ${bannerShown ? 'shown' : 'hidden'}`);
  });

  test('alert appears on the map within 1 s of its SSE event', async () => {
    const latencies = [];
    const seen = new Map(); // zone -> {kind, at}
    const stream = sse(base, (name, e, at) => {
      if (name !== 'alert') return;
      if (e.event === 'start' || e.event === 'prestart' || e.event === 'end') seen.set(e.zone, { e, at });
    });
    await sleep(500);
    let zone = null;
    if (token1) {
      const z = await findClickableZone(page);
      assert(z, 'no quiet zone found to alert');
      zone = z.id;
      const r = await api(base, '/api/operator/alerts', { method: 'POST', token: token1, body: { zones: [zone], category: 'drone', note: 'web test: SSE latency', duration_s: 120 } });
      assert(r.status === 200 && r.data.status === 'issued', `manual alert on ${zone} not issued: HTTP ${r.status} ${r.text}`);
    }
    // Wait for the SSE start of our zone (or, without a token, for any start).
    const end = Date.now() + (token1 ? 10000 : 90000);
    let ev = null;
    while (Date.now() < end && !ev) {
      for (const [z, v] of seen) if (v.e.event === 'start' && (!zone || z === zone)) { ev = v; zone = z; break; }
      if (!ev) await sleep(20);
    }
    assert(ev, token1 ? `no SSE start event for ${zone} within 10 s` : 'no SSE alert start within 90 s (set TOCSIN_OPERATOR_TOKEN to trigger one)');
    const shown = await page.waitForFunction((z) => {
      const r = window.__tocsin.stateChanges[z];
      return r && r.state === 'alert' && r.visibleAt ? { visibleAt: r.visibleAt, pageAt: window.__tocsin.eventReceived[z] ?? null } : null;
    }, zone, { timeout: 5000 }).then((h) => h.jsonValue()).catch(() => null);
    assert(shown, `zone ${zone} did not turn to "alert" on the map within 5 s of its SSE event`);
    // The event left the server no later than the first of its two receivers (this
    // test's SSE client and the page's EventSource; same machine, same Date.now()) got it.
    const firstAt = (pageAt) => (Number.isFinite(pageAt) ? Math.min(pageAt, ev.at) : ev.at);
    const latency = shown.visibleAt - firstAt(shown.pageAt);
    latencies.push(latency);
    log(`  ${zone}: SSE event first received (test client ${ev.at - firstAt(shown.pageAt)} ms, page ${Number.isFinite(shown.pageAt) ? shown.pageAt - firstAt(shown.pageAt) : '?'} ms after) -> zone painted: ${latency} ms`);
    // Natural events for a few seconds more (the mock and the demo produce them).
    const t0 = Date.now();
    seen.clear();
    await sleep(6000);
    for (const [z, v] of seen) {
      const want = v.e.event === 'start' ? 'alert' : v.e.event === 'prestart' ? 'prealert' : null;
      if (!want || v.at < t0) continue;
      const rec = await page.evaluate((zz) => ({ ...(window.__tocsin.stateChanges[zz] || {}), pageAt: window.__tocsin.eventReceived[zz] ?? null }), z);
      const first = Number.isFinite(rec.pageAt) ? Math.min(rec.pageAt, v.at) : v.at;
      if (rec.state === want && rec.visibleAt && rec.visibleAt >= first) latencies.push(rec.visibleAt - first);
    }
    stream.close();
    latencies.sort((a, b) => a - b);
    figures.alert_latency_ms = { n: latencies.length, median: latencies[Math.floor(latencies.length / 2)], max: latencies[latencies.length - 1] };
    log(`  latency over ${latencies.length} events: median ${figures.alert_latency_ms.median} ms, max ${figures.alert_latency_ms.max} ms`);
    await page.evaluate((z) => window.__tocsin.console.flyToZone(z), zone);
    await sleep(1500);
    await page.screenshot({ path: path.join(artifacts, 'alert.png') });
    if (token1) await api(base, '/api/operator/cancel', { method: 'POST', token: token1, body: { zone } });
    assert(latency <= 1000, `zone ${zone} painted ${latency} ms after its SSE event (limit 1000 ms)`);
  });

  test('operator: API errors are shown', async () => {
    await page.fill('#op-token', 'not-a-valid-token');
    await page.click('#op-login button[type=submit]');
    const msg = await page.waitForSelector('.msg.error', { timeout: 5000 });
    const text = await msg.textContent();
    assert(/HTTP 40[13]/.test(text), `login with a bad token: expected an HTTP 401/403 message, got "${text}"`);
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
  });

  test('operator: manual alert issued and cancelled through the panel', async () => {
    assert(token1, 'set TOCSIN_OPERATOR_TOKEN to an operator token of the server under test');
    await operatorMode(page, 'select');
    // Zoom in on the westernmost quiet zone (far from the mock's tracks).
    await page.evaluate(() => {
      const cm = window.__tocsin.console;
      const quiet = [...cm.zoneInfo.entries()].filter(([id]) => window.__tocsin.zoneState(id) === 'quiet').sort((a, b) => a[1].point[0] - b[1].point[0]);
      if (quiet.length) cm.map.jumpTo({ center: quiet[Math.min(5, quiet.length - 1)][1].point, zoom: 7 });
    });
    await sleep(1500);
    const z = await findClickableZone(page);
    assert(z, 'no quiet zone on screen to select');
    await page.mouse.click(z.x, z.y);
    await page.waitForFunction(() => document.querySelectorAll('#op-selected-list span').length === 1, null, { timeout: 5000 });
    await page.selectOption('#op-category', 'cruise_missile');
    await page.fill('#op-note', 'web test: operator panel');
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
    await page.click('#op-issue-zones');
    const ok = await page.waitForSelector('.msg:not(.error)', { timeout: 10000 });
    log(`  issue: "${await ok.textContent()}"`);
    await page.waitForFunction((id) => window.__tocsin.zoneState(id) === 'alert', z.id, { timeout: 10000 });
    await sleep(400);
    await page.screenshot({ path: path.join(artifacts, 'manual-alert.png') });
    const active = (await api(base, '/api/alerts/active')).data.alerts.find((a) => a.zone === z.id);
    assert(active && active.manual, `GET /api/alerts/active has no manual alert for ${z.id}`);
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
    await page.click('#op-cancel-sel');
    const c = await page.waitForSelector('.msg', { timeout: 10000 });
    log(`  cancel: "${await c.textContent()}"`);
    assert(!(await c.getAttribute('class')).includes('error'), `cancel failed: ${await c.textContent()}`);
    await page.waitForFunction((id) => window.__tocsin.zoneState(id) !== 'alert', z.id, { timeout: 10000 });
    const still = (await api(base, '/api/alerts/active')).data.alerts.find((a) => a.zone === z.id);
    assert(!still, `zone ${z.id} still has an active alert after cancel`);
    await page.screenshot({ path: path.join(artifacts, 'manual-cancelled.png') });
    await page.click('#op-clear-sel');
  });

  test('operator: manual alert on a drawn polygon', async () => {
    assert(token1, 'set TOCSIN_OPERATOR_TOKEN to an operator token of the server under test');
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
    await operatorMode(page, 'draw');
    const z = await findClickableZone(page);
    assert(z, 'no quiet zone on screen to draw around');
    for (const [dx, dy] of [[-9, -7], [9, -7], [0, 9]]) await page.mouse.click(z.x + dx, z.y + dy);
    await page.click('#op-draw-finish');
    await page.waitForFunction(() => /3/.test(document.getElementById('op-draw-count').textContent), null, { timeout: 5000 });
    await page.click('#op-issue-polygon');
    const ok = await page.waitForSelector('.msg', { timeout: 10000 });
    const text = await ok.textContent();
    log(`  polygon issue: "${text}"`);
    assert(!(await ok.getAttribute('class')).includes('error'), `polygon alert failed: ${text}`);
    await page.waitForFunction((id) => window.__tocsin.zoneState(id) === 'alert', z.id, { timeout: 10000 });
    await page.screenshot({ path: path.join(artifacts, 'polygon-alert.png') });
    for (const id of text.match(/A-\d+/g) || []) await api(base, '/api/operator/cancel', { method: 'POST', token: token1, body: { alert: id } });
    await page.waitForFunction((id) => window.__tocsin.zoneState(id) !== 'alert', z.id, { timeout: 10000 });
    await page.click('#op-draw-clear');
    await page.check('input[name=op-mode][value=select]');
  });

  test('operator: alert over two regions needs a second operator', async () => {
    assert(token1 && token2, 'set TOCSIN_OPERATOR_TOKEN and TOCSIN_OPERATOR_TOKEN2 to two operators\' tokens');
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
    await operatorMode(page, 'select');
    const a = await findClickableZone(page);
    assert(a, 'no first zone');
    const b = await findClickableZone(page, { exclude: [a.id], notRegion: a.region });
    assert(b, `no quiet zone outside region ${a.region} on screen`);
    await page.mouse.click(a.x, a.y);
    await page.mouse.click(b.x, b.y);
    await page.waitForFunction(() => document.querySelectorAll('#op-selected-list span').length === 2, null, { timeout: 5000 });
    await page.click('#op-issue-zones');
    const pending = await page.waitForSelector('#op-pending [data-request]', { timeout: 10000 });
    const rid = await pending.getAttribute('data-request');
    log(`  pending request ${rid}`);
    assert((await api(base, '/api/alerts/active')).data.alerts.every((x) => x.zone !== a.id), 'alert issued before confirmation');
    // The same operator cannot confirm: the server's error must be shown.
    await page.click(`#op-pending [data-request="${rid}"] button`);
    const err = await page.waitForSelector('.msg.error', { timeout: 10000 });
    log(`  self-confirm refused: "${await err.textContent()}"`);
    await page.evaluate(() => { for (const m of document.querySelectorAll('.msg')) m.remove(); });
    await page.fill(`#op-pending [data-request="${rid}"] input`, token2);
    await page.click(`#op-pending [data-request="${rid}"] button`);
    await page.waitForFunction(({ x, y }) => window.__tocsin.zoneState(x) === 'alert' && window.__tocsin.zoneState(y) === 'alert', { x: a.id, y: b.id }, { timeout: 10000 });
    await page.screenshot({ path: path.join(artifacts, 'two-person.png') });
    await page.click('#op-cancel-sel');
    await page.waitForFunction(({ x, y }) => window.__tocsin.zoneState(x) !== 'alert' && window.__tocsin.zoneState(y) !== 'alert', { x: a.id, y: b.id }, { timeout: 10000 });
    await page.click('#op-clear-sel');
    await page.check('input[name=op-mode][value=none]');
  });

  test(`animation >= ${minFps} frames/s with the live tracks (mock: 300)`, async () => {
    await page.evaluate(() => window.__tocsin.console.fitZones());
    await page.waitForFunction((n) => window.__tocsin.tracks >= n, Math.max(1, minTracks), { timeout: 30000 + tracksWaitS * 1000 })
      .catch(async () => { throw new Error(`fewer than ${Math.max(1, minTracks)} live tracks (${await page.evaluate(() => window.__tocsin.tracks)}) within ${30 + tracksWaitS} s`); });
    await sleep(2000);
    const a = await page.evaluate(() => [window.__tocsin.frames, window.__tocsin.mapRenders, performance.now(), window.__tocsin.tracks]);
    await sleep(5000);
    const b = await page.evaluate(() => [window.__tocsin.frames, window.__tocsin.mapRenders, performance.now(), window.__tocsin.tracks]);
    const secs = (b[2] - a[2]) / 1000;
    const fps = (b[0] - a[0]) / secs;
    figures.animation = { tracks: b[3], fps: +fps.toFixed(1), map_renders_per_s: +((b[1] - a[1]) / secs).toFixed(2), seconds: +secs.toFixed(1) };
    log(`  ${b[3]} tracks: ${fps.toFixed(1)} frames/s over ${secs.toFixed(1)} s (WebGL map re-rendered ${figures.animation.map_renders_per_s}/s)`);
    await page.screenshot({ path: path.join(artifacts, 'tracks.png') });
    // Figure only (not asserted): frames/s while the view pans every frame, when the
    // WebGL map itself must re-render each frame.
    const pan = await page.evaluate(() => new Promise((resolve) => {
      const m = window.__tocsin.console.map; const f0 = window.__tocsin.frames; const r0 = window.__tocsin.mapRenders;
      const t0 = performance.now(); let dir = 1;
      const step = () => {
        const t = performance.now() - t0;
        if (t > 3000) { resolve({ fps: ((window.__tocsin.frames - f0) * 1000) / t, renders: ((window.__tocsin.mapRenders - r0) * 1000) / t }); return; }
        if (Math.floor(t / 1000) % 2) dir = -1; else dir = 1;
        m.panBy([3 * dir, 0], { duration: 0 });
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }));
    figures.animation.panning_fps = +pan.fps.toFixed(1);
    figures.animation.panning_map_renders_per_s = +pan.renders.toFixed(1);
    log(`  while panning: ${pan.fps.toFixed(1)} frames/s, map rendered ${pan.renders.toFixed(1)}/s (figure only)`);
    assert(b[3] >= minTracks, `only ${b[3]} tracks live, TOCSIN_MIN_TRACKS is ${minTracks}`);
    assert(fps >= minFps, `${fps.toFixed(1)} frames/s with ${b[3]} tracks, need ${minFps}`);
  });

  test('click a track shows its class, speed and arrivals', async () => {
    // Zoom in where the tracks are densest (the mock: off Odesa).
    await page.evaluate(() => {
      const cm = window.__tocsin.console; const ts = cm.tracks;
      if (!ts.length) return;
      let best = ts[0]; let bestN = -1;
      for (const a of ts.slice(0, 100)) {
        const n = ts.filter((b) => Math.abs(b.lat - a.lat) < 0.3 && Math.abs(b.lon - a.lon) < 0.4).length;
        if (n > bestN) { bestN = n; best = a; }
      }
      cm.map.jumpTo({ center: [best.lon, best.lat], zoom: 7.5 });
    });
    await sleep(1500);
    const onScreen = () => page.evaluate(() => {
      const cm = window.__tocsin.console; const rect = cm.map.getContainer().getBoundingClientRect();
      const pr = cm.projector(); const out = [];
      for (let i = 0; i < cm.tracks.length; i++) {
        const [x, y] = pr(cm.trackLL[2 * i], cm.trackLL[2 * i + 1]);
        if (x > 80 && y > 80 && x < rect.width - 80 && y < rect.height - 80) out.push({ id: cm.tracks[i].id, x: rect.left + x, y: rect.top + y });
      }
      return out;
    });
    // Prefer a track the server predicts arrivals for (GET /api/tracks/<id>).
    let candidates = await onScreen();
    assert(candidates.length, 'no live track on screen to click');
    let withArrivals = null;
    for (const c of candidates.slice(0, 30)) {
      const r = await api(base, `/api/tracks/${encodeURIComponent(c.id)}`);
      if (r.status === 200 && Array.isArray(r.data?.arrivals) && r.data.arrivals.length) { withArrivals = c.id; break; }
    }
    if (!withArrivals) log('  (no track on screen with predicted arrivals from GET /api/tracks/<id>)');
    candidates = await onScreen(); // positions moved meanwhile
    const p = candidates.find((c) => c.id === withArrivals) || candidates[0];
    assert(p, 'no live track on screen to click');
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => /km\/h|км\/год/.test(document.getElementById('info-body').textContent), null, { timeout: 5000 });
    const shownId = await page.evaluate(() => window.__tocsin.console.selectedTrack);
    const detail = await api(base, `/api/tracks/${encodeURIComponent(shownId)}`);
    figures.track_detail = { route: detail.status, arrivals: Array.isArray(detail.data?.arrivals) ? detail.data.arrivals.length : null };
    if (detail.status === 200 && detail.data?.arrivals?.length) {
      await page.waitForSelector('#info-body [data-testid=arrivals] li[data-zone]', { timeout: 5000 });
      const n = await page.$$eval('#info-body [data-testid=arrivals] li[data-zone]', (l) => l.length);
      log(`  track ${shownId}: ${n} predicted arrivals shown (server lists ${detail.data.arrivals.length})`);
    } else {
      log(`  track ${shownId}: GET /api/tracks/<id> -> HTTP ${detail.status}, ${figures.track_detail.arrivals ?? 'no'} arrivals`);
    }
    await page.screenshot({ path: path.join(artifacts, 'track-details.png') });
  });

  test('Ukrainian interface', async () => {
    const { dictionaries } = await import('../src/i18n.js');
    const missing = Object.keys(dictionaries.en).filter((k) => !(k in dictionaries.uk));
    assert(missing.length === 0, `Ukrainian dictionary lacks ${missing.join(', ')}`);
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('h1').textContent === 'Консоль Tocsin', null, { timeout: 5000 });
    await page.screenshot({ path: path.join(artifacts, 'ukrainian.png') });
    await page.click('#lang-toggle');
  });

  if (usingMock) {
    test('connection-lost banner when the stream drops, then reconnects', async () => {
      await api(base, '/mock/drop-streams', { method: 'POST' });
      await page.waitForSelector('#banner-conn:not([hidden])', { timeout: 5000 });
      await page.screenshot({ path: path.join(artifacts, 'connection-lost.png') });
      await page.waitForFunction(() => window.__tocsin.sseConnected && document.getElementById('banner-conn').hidden, null, { timeout: 15000 });
    });
  }

  const filter = process.env.TEST_FILTER;
  let failed = 0;
  const results = [];
  for (const t of tests) {
    if (filter && !t.name.includes(filter)) continue;
    const t0 = Date.now();
    try {
      await t.fn();
      log(`PASS ${t.name} (${Date.now() - t0} ms)`);
      results.push({ name: t.name, ok: true });
    } catch (e) {
      failed++;
      log(`FAIL ${t.name}: ${e.message}`);
      results.push({ name: t.name, ok: false, error: e.message });
      await page.screenshot({ path: path.join(artifacts, `failed-${results.length}.png`) }).catch(() => {});
    }
  }
  if (pageErrors.length) {
    failed++;
    log(`FAIL page errors: ${pageErrors.join(' | ')}`);
    results.push({ name: 'no uncaught page errors', ok: false, error: pageErrors.join(' | ') });
  }
  fs.writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify({ server: base, mock: usingMock, results, figures }, null, 2));
  log(`figures: ${JSON.stringify(figures)}`);
  log(`${results.length - failed} passed, ${failed} failed; screenshots in ${artifacts}`);
  await browser.close();
  return failed;
}

main().then((failed) => {
  if (mock) mock.kill();
  process.exit(failed ? 1 : 0);
}, (e) => {
  console.error('[test-web] error:', e.message);
  if (mock) mock.kill();
  process.exit(1);
});
