// The MapLibre map holds the static base: zone catalog and region outlines (no tile
// server unless a raster tile URL is configured), sensors with coverage, the operator's
// selected zones and drawn polygon. Everything that changes often — zone alert colours,
// track icons, trails, predicted danger pieces, labels (speed/altitude, countdowns) —
// is drawn on a 2D overlay canvas: zone colours, trails and danger on a cached layer
// redrawn when they or the view change, icons every frame. The WebGL map then renders
// only when the view moves, which keeps hundreds of moving tracks smooth even with
// software GL (headless Chromium without a GPU), and needs no glyph or sprite server.
// The map never rotates or tilts, so the overlay projects with a cheap affine map of
// Web Mercator coordinates.

import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { drawTrackIcons, CATEGORY_COLORS, ICONS, ICON_SIZE } from './icons.js';

const empty = () => ({ type: 'FeatureCollection', features: [] });

export const STATE_FILL = { cleared: 'rgba(58,163,91,0.45)', prealert: 'rgba(245,166,35,0.55)', alert: 'rgba(224,41,62,0.68)' };

const mercX = (lon) => (lon + 180) / 360;
const mercY = (lat) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;

function mercRings(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const out = [];
  for (const poly of polys) {
    for (const ring of poly) {
      const a = new Float64Array(ring.length * 2);
      for (let i = 0; i < ring.length; i++) { a[2 * i] = mercX(ring[i][0]); a[2 * i + 1] = mercY(ring[i][1]); }
      out.push(a);
    }
  }
  return out;
}

export const LAYER_GROUPS = {
  sensors: ['sensors'],
  coverage: ['coverage-fill', 'coverage-line'],
  regions: ['regions-line'],
};

function circleRing(lat, lon, radiusM, n = 64) {
  const ring = [];
  const kLat = radiusM / 111320;
  const kLon = radiusM / (111320 * Math.cos((lat * Math.PI) / 180));
  for (let i = 0; i <= n; i++) {
    const b = (2 * Math.PI * i) / n;
    ring.push([lon + kLon * Math.sin(b), lat + kLat * Math.cos(b)]);
  }
  return ring;
}

// Centroid of a zone for labels: vertex mean of the outer ring of its largest polygon.
function labelPoint(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = polys[0][0];
  for (const p of polys) if (p[0].length > best.length) best = p[0];
  let x = 0; let y = 0; const n = Math.max(1, best.length - 1);
  for (let i = 0; i < n; i++) { x += best[i][0]; y += best[i][1]; }
  return [x / n, y / n];
}

function boundsOf(fc) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else for (const x of c) visit(x);
  };
  for (const f of fc.features) if (f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(b[0]) ? [[b[0], b[1]], [b[2], b[3]]] : null;
}

export class ConsoleMap {
  constructor(container, overlay, { tileUrl } = {}) {
    const sources = {};
    const layers = [{ id: 'bg', type: 'background', paint: { 'background-color': '#0d1520' } }];
    if (tileUrl) {
      sources.tiles = { type: 'raster', tiles: [tileUrl], tileSize: 256 };
      layers.push({ id: 'tiles', type: 'raster', source: 'tiles', paint: { 'raster-opacity': 0.6 } });
    }
    this.map = new maplibregl.Map({
      container,
      style: { version: 8, sources, layers },
      center: [31.2, 48.4],
      zoom: 5,
      attributionControl: false,
      fadeDuration: 0,
      canvasContextAttributes: { antialias: false },
      dragRotate: false, pitchWithRotate: false, touchPitch: false, maxPitch: 0,
      pixelRatio: Math.min(window.devicePixelRatio || 1, 2),
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.overlay = overlay;
    this.ctx = overlay.getContext('2d');
    this.zoneInfo = new Map(); // id -> {props, point}
    this.tracks = []; // last poll, with base positions for dead reckoning
    this.trackLL = new Float64Array(0); // lon,lat of each track at the last animate()
    this.selectedZones = new Set();
    this.zoneStates = new Map(); // id -> 'alert' | 'prealert' | 'cleared' (quiet: absent)
    this.onSlowDrawn = null; // called after zone colours were redrawn (tests time it)
    this.selectedTrack = null;
    this.showLabels = true;
    this.showTracks = true;
    this.showTrails = true;
    this.showDanger = true;
    this.dangerRings = [];
    this.dangerLines = [];
    this.slow = document.createElement('canvas'); // cached trails + danger pieces
    this.slowCtx = this.slow.getContext('2d');
    this.slowDirty = true;
    this.labelText = (tr) => `${Math.round(tr.speed_mps * 3.6)} km/h ${Math.round(tr.alt_m)} m`;
    this.countdownZones = () => [];
    this.loaded = new Promise((resolve) => this.map.on('load', () => { this.addLayers(); resolve(); }));
    this.map.on('render', () => { if (!this.animating) this.drawOverlay(); });
    this.map.on('resize', () => this.sizeOverlay());
    this.map.on('move', () => { this.slowDirty = true; });
    this.sizeOverlay();
  }

  addLayers() {
    const m = this.map;
    drawTrackIcons();
    m.addSource('regions', { type: 'geojson', data: empty() });
    m.addSource('zones', { type: 'geojson', data: empty(), promoteId: 'id' });
    m.addSource('coverage', { type: 'geojson', data: empty() });
    m.addSource('sensors', { type: 'geojson', data: empty() });
    m.addSource('selected', { type: 'geojson', data: empty() });
    m.addSource('draw', { type: 'geojson', data: empty() });

    m.addLayer({ id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': '#2b3b4f', 'fill-opacity': 0.3 } });
    m.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#4a5d75', 'line-width': 0.4 } });
    m.addLayer({ id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#a9b8cc', 'line-width': 1.2 } });
    m.addLayer({ id: 'zones-selected', type: 'line', source: 'selected', paint: { 'line-color': '#4fc3ff', 'line-width': 3 } });
    m.addLayer({ id: 'coverage-fill', type: 'fill', source: 'coverage', paint: { 'fill-color': '#58a6ff', 'fill-opacity': 0.04 } });
    m.addLayer({
      id: 'coverage-line', type: 'line', source: 'coverage',
      paint: { 'line-color': ['case', ['get', 'stale'], '#777777', '#58a6ff'], 'line-width': 1, 'line-opacity': 0.5 },
    });
    m.addLayer({
      id: 'sensors', type: 'circle', source: 'sensors',
      paint: {
        'circle-radius': ['match', ['get', 'type'], 'radar', 5, 'acoustic', 3, 4],
        'circle-color': ['case', ['get', 'stale'], '#6b6b6b', ['match', ['get', 'type'], 'radar', '#58a6ff', 'acoustic', '#b388ff', '#8bc34a']],
        'circle-stroke-color': '#0d1520', 'circle-stroke-width': 1,
      },
    });
    m.addLayer({ id: 'draw-fill', type: 'fill', source: 'draw', filter: ['==', '$type', 'Polygon'], paint: { 'fill-color': '#4fc3ff', 'fill-opacity': 0.15 } });
    m.addLayer({ id: 'draw-line', type: 'line', source: 'draw', paint: { 'line-color': '#4fc3ff', 'line-width': 2, 'line-dasharray': [2, 1] } });
    m.addLayer({ id: 'draw-pts', type: 'circle', source: 'draw', filter: ['==', '$type', 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#4fc3ff' } });
  }

  sizeOverlay() {
    const c = this.map.getCanvas();
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth; const h = c.clientHeight;
    this.overlay.width = Math.round(w * dpr); this.overlay.height = Math.round(h * dpr);
    this.overlay.style.width = `${w}px`; this.overlay.style.height = `${h}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.slowDirty = true;
  }

  setZones(fc) {
    this.zoneInfo.clear();
    for (const f of fc.features) {
      if (!f.properties || f.properties.id === undefined || !f.geometry) continue;
      this.zoneInfo.set(String(f.properties.id), { props: f.properties, point: labelPoint(f.geometry), geometry: f.geometry, rings: mercRings(f.geometry) });
    }
    this.map.getSource('zones').setData(fc);
    this.zoneBounds = boundsOf(fc);
    this.fitZones();
  }

  fitZones() {
    if (this.zoneBounds) this.map.fitBounds(this.zoneBounds, { padding: 20, duration: 0 });
  }

  setRegions(fc) { this.map.getSource('regions').setData(fc); }

  setSensors(list) {
    const pts = []; const cov = [];
    for (const s of list) {
      if (!Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
      const props = { id: s.id, type: s.type, stale: !!s.stale };
      pts.push({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } });
      if (Number.isFinite(s.range_m) && s.range_m > 0) {
        cov.push({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [circleRing(s.lat, s.lon, s.range_m)] } });
      }
    }
    this.map.getSource('sensors').setData({ type: 'FeatureCollection', features: pts });
    this.map.getSource('coverage').setData({ type: 'FeatureCollection', features: cov });
  }

  setZoneState(id, state) {
    if (state === 'quiet') this.zoneStates.delete(id); else this.zoneStates.set(id, state);
    this.slowDirty = true;
  }

  // (lon, lat) -> screen [x, y] for the current view (no rotation or pitch).
  projector() {
    const a = this.map.project([0, 0]); const b = this.map.project([10, 10]);
    const sx = (b.x - a.x) / (mercX(10) - 0.5); const sy = (b.y - a.y) / (mercY(10) - 0.5);
    const fromMerc = (mx, my) => [a.x + (mx - 0.5) * sx, a.y + (my - 0.5) * sy];
    const fn = (lon, lat) => fromMerc(mercX(lon), mercY(lat));
    fn.merc = fromMerc;
    fn.a = a; fn.sx = sx; fn.sy = sy;
    return fn;
  }

  setSelectedZones(ids) {
    this.selectedZones = new Set(ids);
    const features = [];
    for (const id of ids) {
      const z = this.zoneInfo.get(id);
      if (z) features.push({ type: 'Feature', properties: { id }, geometry: z.geometry });
    }
    this.map.getSource('selected').setData({ type: 'FeatureCollection', features });
  }

  // One /api/tracks poll. Trails and danger pieces are kept as screen-ready paths;
  // the icons move every frame by dead reckoning from these positions (see animate).
  setTracks(list) {
    this.tracks = list;
    this.trackLL = new Float64Array(list.length * 2);
    this.dangerRings = [];
    this.dangerLines = [];
    this.slowDirty = true;
    for (const tr of list) {
      for (const p of tr.danger?.pieces || []) {
        const g = p.geometry;
        if (!g) continue;
        // A corridor may come as its centre line plus half_width_m (tocsin serve).
        if (g.type === 'LineString' && g.coordinates.length >= 2) {
          this.dangerLines.push({ line: g.coordinates, halfWidth: Number(p.half_width_m) || 0 });
          continue;
        }
        const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
        const red = p.type === 'ellipse' || p.type === 'disc';
        for (const poly of polys) if (poly[0]) this.dangerRings.push({ ring: poly[0], red });
      }
    }
  }

  // Moves every track to where it is at server time `now` (dead reckoning from its
  // last report, at most 5 s ahead) and redraws the overlay. Called every frame.
  animate(now) {
    const ll = this.trackLL;
    for (let i = 0; i < this.tracks.length; i++) {
      const tr = this.tracks[i];
      const dt = Math.max(0, Math.min(5, now - tr.time));
      const h = ((tr.heading_deg || 0) * Math.PI) / 180;
      const d = (tr.speed_mps || 0) * dt;
      ll[2 * i + 1] = tr.lat + (d * Math.cos(h)) / 111320;
      ll[2 * i] = tr.lon + (d * Math.sin(h)) / (111320 * Math.cos((tr.lat * Math.PI) / 180));
    }
    this.animating = true;
    this.drawOverlay();
  }

  trackPosition(i) {
    return i < this.tracks.length ? [this.trackLL[2 * i], this.trackLL[2 * i + 1]] : null;
  }

  setDraw(points, closed) {
    const features = points.map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } }));
    if (points.length >= 2) {
      const ring = closed && points.length >= 3 ? [...points, points[0]] : points;
      features.push({ type: 'Feature', properties: {}, geometry: closed && points.length >= 3 ? { type: 'Polygon', coordinates: [ring] } : { type: 'LineString', coordinates: ring } });
    }
    this.map.getSource('draw').setData({ type: 'FeatureCollection', features });
  }

  setGroupVisible(group, visible) {
    if (group === 'labels') { this.showLabels = visible; this.map.triggerRepaint(); return; }
    if (group === 'tracks') { this.showTracks = visible; this.slowDirty = true; return; }
    if (group === 'trails') { this.showTrails = visible; this.slowDirty = true; return; }
    if (group === 'danger') { this.showDanger = visible; this.slowDirty = true; return; }
    for (const id of LAYER_GROUPS[group] || []) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  // Feature under a click, tracks first, then sensors, then zones.
  pick(point) {
    const box = [[point.x - 7, point.y - 7], [point.x + 7, point.y + 7]];
    const hit = (layers) => this.map.queryRenderedFeatures(box, { layers: layers.filter((l) => this.map.getLayer(l)) })[0];
    if (this.showTracks) {
      let best = -1; let bestD = 12 * 12;
      const pr = this.projector();
      for (let i = 0; i < this.tracks.length; i++) {
        const [x, y] = pr(this.trackLL[2 * i], this.trackLL[2 * i + 1]);
        const dx = x - point.x; const dy = y - point.y;
        if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = i; }
      }
      if (best >= 0) return { kind: 'track', id: this.tracks[best].id };
    }
    const se = this.map.getLayoutProperty('sensors', 'visibility') !== 'none' && hit(['sensors']);
    if (se) return { kind: 'sensor', id: se.properties.id };
    const z = this.map.queryRenderedFeatures(point, { layers: ['zones-fill'] })[0];
    if (z) return { kind: 'zone', id: String(z.properties.id) };
    return null;
  }

  zonesRenderedCount() {
    const ids = new Set();
    for (const f of this.map.queryRenderedFeatures({ layers: ['zones-fill'] })) ids.add(f.properties.id);
    return ids.size;
  }

  flyToZone(id) {
    const z = this.zoneInfo.get(id);
    if (z) this.map.easeTo({ center: z.point, zoom: Math.max(this.map.getZoom(), 8) });
  }

  // Predicted danger pieces (corridors orange, impact ellipses red), trails (one path
  // per colour) and countdowns to expected arrival on zones under alert.
  drawSlowLayer(w, h) {
    this.slowDirty = false;
    const dpr = window.devicePixelRatio || 1;
    if (this.slow.width !== this.overlay.width || this.slow.height !== this.overlay.height) {
      this.slow.width = this.overlay.width; this.slow.height = this.overlay.height;
    }
    const ctx = this.slowCtx; const m = this.map;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pr = this.projector();
    const path = (ring) => {
      for (let k = 0; k < ring.length; k++) {
        const p = pr(ring[k][0], ring[k][1]);
        if (k === 0) ctx.moveTo(p[0], p[1]); else ctx.lineTo(p[0], p[1]);
      }
    };
    // Zone alert states, one path per state.
    const ax = pr.a.x; const ay = pr.a.y; const { sx, sy } = pr;
    for (const state of ['cleared', 'prealert', 'alert']) {
      ctx.beginPath();
      let any = false;
      for (const [id, st] of this.zoneStates) {
        if (st !== state) continue;
        const z = this.zoneInfo.get(id);
        if (!z) continue;
        any = true;
        for (const r of z.rings) {
          ctx.moveTo(ax + (r[0] - 0.5) * sx, ay + (r[1] - 0.5) * sy);
          for (let k = 2; k < r.length; k += 2) ctx.lineTo(ax + (r[k] - 0.5) * sx, ay + (r[k + 1] - 0.5) * sy);
          ctx.closePath();
        }
      }
      if (any) { ctx.fillStyle = STATE_FILL[state]; ctx.fill('evenodd'); }
    }
    if (this.showDanger) {
      ctx.lineWidth = 0.8;
      for (const [red, fill, stroke] of [[false, 'rgba(255,159,28,0.10)', 'rgba(255,159,28,0.55)'], [true, 'rgba(255,59,107,0.14)', 'rgba(255,59,107,0.7)']]) {
        ctx.beginPath();
        for (const d of this.dangerRings) if (d.red === red) { path(d.ring); ctx.closePath(); }
        ctx.fillStyle = fill; ctx.fill(); ctx.strokeStyle = stroke; ctx.stroke();
      }
      // Corridors given as centre line + half width: a wide translucent stroke.
      ctx.lineCap = 'round'; ctx.lineJoin = 'round';
      const C = 40075016.686;
      for (const d of this.dangerLines) {
        const lat = d.line[0][1];
        const px = (2 * d.halfWidth * sx) / (C * Math.cos((lat * Math.PI) / 180));
        ctx.beginPath(); path(d.line);
        ctx.lineWidth = Math.max(1, px); ctx.strokeStyle = 'rgba(255,159,28,0.12)'; ctx.stroke();
        ctx.lineWidth = 0.8; ctx.strokeStyle = 'rgba(255,159,28,0.55)'; ctx.stroke();
      }
      ctx.lineCap = 'butt';
    }
    if (this.showTrails && this.showTracks) {
      ctx.lineWidth = 1.3;
      ctx.globalAlpha = 0.65;
      for (const [cat, color] of Object.entries(CATEGORY_COLORS)) {
        ctx.beginPath();
        for (const tr of this.tracks) {
          const c = CATEGORY_COLORS[tr.category] ? tr.category : 'unknown';
          if (c !== cat || !Array.isArray(tr.trail) || tr.trail.length === 0) continue;
          path(tr.trail);
          const p = pr(tr.lon, tr.lat);
          ctx.lineTo(p[0], p[1]);
        }
        ctx.strokeStyle = color; ctx.stroke();
      }
      ctx.globalAlpha = 1;
    }
    const zoom = m.getZoom();
    // Countdowns to expected arrival on zones under alert.
    const cds = this.countdownZones();
    if (this.showLabels && (zoom >= 6 || cds.length <= 40)) {
      ctx.textAlign = 'center';
      ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
      ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(10,16,24,0.85)';
      for (const { zone, text } of cds) {
        const z = this.zoneInfo.get(zone);
        if (!z) continue;
        const [x, y] = pr(z.point[0], z.point[1]);
        if (x < -40 || y < -20 || x > w + 40 || y > h + 20) continue;
        ctx.fillStyle = '#ffffff';
        ctx.strokeText(text, x, y); ctx.fillText(text, x, y);
      }
    }
    if (this.onSlowDrawn) this.onSlowDrawn();
  }

  drawOverlay() {
    const ctx = this.ctx; const m = this.map;
    const w = this.overlay.clientWidth || this.overlay.width; const h = this.overlay.clientHeight || this.overlay.height;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const zoom = m.getZoom();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(10,16,24,0.85)';
    // Trails, danger pieces and zone countdowns change at most once a second: drawn
    // on a cached canvas, redrawn only when the data or the view changes.
    if (this.slowDirty) this.drawSlowLayer(w, h);
    ctx.drawImage(this.slow, 0, 0, w, h);
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(10,16,24,0.85)';
    // Tracks: class icon rotated by heading; speed and altitude beside it (all tracks
    // when zoomed in or few, else only the selected one).
    if (!this.showTracks) return;
    const all = this.showLabels && (zoom >= 7 || this.tracks.length <= 60);
    const half = ICON_SIZE / 2;
    const pr = this.projector();
    const iconScale = Math.max(0.6, Math.min(1, 0.6 + (zoom - 5) * 0.2));
    ctx.textAlign = 'left';
    for (let i = 0; i < this.tracks.length; i++) {
      const tr = this.tracks[i];
      const [px, py] = pr(this.trackLL[2 * i], this.trackLL[2 * i + 1]);
      const p = { x: px, y: py };
      if (p.x < -20 || p.y < -20 || p.x > w + 20 || p.y > h + 20) continue;
      const sel = tr.id === this.selectedTrack;
      const icon = ICONS[tr.category] || ICONS.unknown;
      const rot = ((tr.heading_deg || 0) * Math.PI) / 180;
      const scale = (sel ? 1.4 : 1) * iconScale;
      ctx.setTransform(dpr * Math.cos(rot) * scale, dpr * Math.sin(rot) * scale, -dpr * Math.sin(rot) * scale, dpr * Math.cos(rot) * scale, dpr * p.x, dpr * p.y);
      ctx.drawImage(icon, -half, -half, ICON_SIZE, ICON_SIZE);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      if (!all && !sel) continue;
      const text = sel ? `${tr.id}  ${this.labelText(tr)}` : this.labelText(tr);
      ctx.fillStyle = sel ? '#4fc3ff' : '#e6edf3';
      ctx.strokeText(text, p.x + 12, p.y); ctx.fillText(text, p.x + 12, p.y);
    }
  }
}
