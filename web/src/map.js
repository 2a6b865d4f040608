// The MapLibre map: zone catalog and region outlines as the base map (no tile server
// unless a raster tile URL is configured), sensors with coverage, tracks with class
// icons and trails, predicted danger pieces, and a 2D overlay canvas for the labels
// (track speed/altitude, zone countdowns) so no glyph server is needed.

import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { drawTrackIcons, CATEGORY_COLORS } from './icons.js';

const empty = () => ({ type: 'FeatureCollection', features: [] });

const STATE_COLOR = ['match', ['coalesce', ['feature-state', 'state'], 'quiet'],
  'alert', '#e0293e', 'prealert', '#f5a623', 'cleared', '#3aa35b', '#2b3b4f'];
const STATE_OPACITY = ['match', ['coalesce', ['feature-state', 'state'], 'quiet'],
  'alert', 0.62, 'prealert', 0.45, 'cleared', 0.38, 0.3];

export const LAYER_GROUPS = {
  tracks: ['tracks'],
  trails: ['trails'],
  danger: ['danger-fill', 'danger-line'],
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
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.overlay = overlay;
    this.ctx = overlay.getContext('2d');
    this.zoneInfo = new Map(); // id -> {props, point}
    this.tracks = []; // last poll, with base positions for dead reckoning
    this.trackFc = empty();
    this.selectedTrack = null;
    this.showLabels = true;
    this.showTracks = true;
    this.labelText = (tr) => `${Math.round(tr.speed_mps * 3.6)} km/h ${Math.round(tr.alt_m)} m`;
    this.countdownZones = () => [];
    this.loaded = new Promise((resolve) => this.map.on('load', () => { this.addLayers(); resolve(); }));
    this.map.on('render', () => this.drawOverlay());
    this.map.on('resize', () => this.sizeOverlay());
    this.sizeOverlay();
  }

  addLayers() {
    const m = this.map;
    drawTrackIcons(m);
    m.addSource('regions', { type: 'geojson', data: empty() });
    m.addSource('zones', { type: 'geojson', data: empty(), promoteId: 'id' });
    m.addSource('coverage', { type: 'geojson', data: empty() });
    m.addSource('sensors', { type: 'geojson', data: empty() });
    m.addSource('danger', { type: 'geojson', data: empty() });
    m.addSource('trails', { type: 'geojson', data: empty() });
    m.addSource('tracks', { type: 'geojson', data: empty(), promoteId: 'id' });
    m.addSource('draw', { type: 'geojson', data: empty() });

    m.addLayer({ id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-color': STATE_COLOR, 'fill-opacity': STATE_OPACITY } });
    m.addLayer({ id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#4a5d75', 'line-width': 0.4 } });
    m.addLayer({ id: 'regions-line', type: 'line', source: 'regions', paint: { 'line-color': '#a9b8cc', 'line-width': 1.2 } });
    m.addLayer({
      id: 'zones-selected', type: 'line', source: 'zones',
      paint: { 'line-color': '#4fc3ff', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0] },
    });
    m.addLayer({ id: 'coverage-fill', type: 'fill', source: 'coverage', paint: { 'fill-color': '#58a6ff', 'fill-opacity': 0.04 } });
    m.addLayer({
      id: 'coverage-line', type: 'line', source: 'coverage',
      paint: { 'line-color': ['case', ['get', 'stale'], '#777777', '#58a6ff'], 'line-width': 1, 'line-dasharray': [3, 2], 'line-opacity': 0.6 },
    });
    m.addLayer({
      id: 'danger-fill', type: 'fill', source: 'danger',
      paint: { 'fill-color': ['match', ['get', 'type'], 'ellipse', '#ff3b6b', 'disc', '#ff3b6b', '#ff9f1c'], 'fill-opacity': 0.13 },
    });
    m.addLayer({
      id: 'danger-line', type: 'line', source: 'danger',
      paint: { 'line-color': ['match', ['get', 'type'], 'ellipse', '#ff3b6b', 'disc', '#ff3b6b', '#ff9f1c'], 'line-width': 0.8, 'line-opacity': 0.7 },
    });
    m.addLayer({
      id: 'trails', type: 'line', source: 'trails',
      paint: { 'line-color': ['get', 'color'], 'line-width': 1.3, 'line-opacity': 0.65 },
    });
    m.addLayer({
      id: 'sensors', type: 'circle', source: 'sensors',
      paint: {
        'circle-radius': ['match', ['get', 'type'], 'radar', 5, 'acoustic', 3, 4],
        'circle-color': ['case', ['get', 'stale'], '#6b6b6b', ['match', ['get', 'type'], 'radar', '#58a6ff', 'acoustic', '#b388ff', '#8bc34a']],
        'circle-stroke-color': '#0d1520', 'circle-stroke-width': 1,
      },
    });
    m.addLayer({
      id: 'tracks', type: 'symbol', source: 'tracks',
      layout: {
        'icon-image': ['concat', 'trk-', ['get', 'category']],
        'icon-rotate': ['get', 'heading'], 'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true, 'icon-ignore-placement': true,
        'icon-size': ['case', ['boolean', ['get', 'sel'], false], 1.35, 1],
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
  }

  setZones(fc) {
    this.zoneInfo.clear();
    for (const f of fc.features) {
      if (!f.properties || f.properties.id === undefined || !f.geometry) continue;
      this.zoneInfo.set(String(f.properties.id), { props: f.properties, point: labelPoint(f.geometry) });
    }
    this.map.getSource('zones').setData(fc);
    const b = boundsOf(fc);
    if (b) this.map.fitBounds(b, { padding: 20, duration: 0 });
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

  setZoneState(id, state) { this.map.setFeatureState({ source: 'zones', id }, state); }

  // One /api/tracks poll: trails and danger pieces are redrawn now; the icons move
  // every frame by dead reckoning from these positions (see animate).
  setTracks(list) {
    this.tracks = list;
    const trails = []; const danger = [];
    for (const tr of list) {
      const color = CATEGORY_COLORS[tr.category] || CATEGORY_COLORS.unknown;
      if (Array.isArray(tr.trail) && tr.trail.length) {
        trails.push({ type: 'Feature', properties: { color }, geometry: { type: 'LineString', coordinates: [...tr.trail, [tr.lon, tr.lat]] } });
      }
      for (const p of tr.danger?.pieces || []) {
        if (p.geometry) danger.push({ type: 'Feature', properties: { type: p.type, track: tr.id }, geometry: p.geometry });
      }
    }
    this.map.getSource('trails').setData({ type: 'FeatureCollection', features: trails });
    this.map.getSource('danger').setData({ type: 'FeatureCollection', features: danger });
    this.trackFc = {
      type: 'FeatureCollection',
      features: list.map((tr) => ({
        type: 'Feature',
        properties: { id: tr.id, category: CATEGORY_COLORS[tr.category] ? tr.category : 'unknown', heading: tr.heading_deg || 0, sel: tr.id === this.selectedTrack },
        geometry: { type: 'Point', coordinates: [tr.lon, tr.lat] },
      })),
    };
  }

  // Moves every track icon to where it is at server time `now` (at most 5 s ahead of
  // its last report) and hands the positions to the map.
  animate(now) {
    const fs = this.trackFc.features;
    for (let i = 0; i < fs.length; i++) {
      const tr = this.tracks[i];
      const dt = Math.max(0, Math.min(5, now - tr.time));
      const h = ((tr.heading_deg || 0) * Math.PI) / 180;
      const d = (tr.speed_mps || 0) * dt;
      const c = fs[i].geometry.coordinates;
      c[1] = tr.lat + (d * Math.cos(h)) / 111320;
      c[0] = tr.lon + (d * Math.sin(h)) / (111320 * Math.cos((tr.lat * Math.PI) / 180));
      fs[i].properties.sel = tr.id === this.selectedTrack;
    }
    if (this.showTracks) this.map.getSource('tracks')?.setData(this.trackFc);
  }

  trackPosition(i) { return this.trackFc.features[i]?.geometry.coordinates; }

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
    if (group === 'tracks') this.showTracks = visible;
    for (const id of LAYER_GROUPS[group] || []) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  // Feature under a click, tracks first, then sensors, then zones.
  pick(point) {
    const box = [[point.x - 7, point.y - 7], [point.x + 7, point.y + 7]];
    const hit = (layers) => this.map.queryRenderedFeatures(box, { layers: layers.filter((l) => this.map.getLayer(l)) })[0];
    const tr = this.showTracks && hit(['tracks']);
    if (tr) return { kind: 'track', id: tr.properties.id };
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

  drawOverlay() {
    const ctx = this.ctx; const m = this.map;
    const w = this.overlay.clientWidth || this.overlay.width; const h = this.overlay.clientHeight || this.overlay.height;
    ctx.clearRect(0, 0, w, h);
    if (!this.showLabels) return;
    const zoom = m.getZoom();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(10,16,24,0.85)';
    // Countdowns to expected arrival on zones under alert.
    const cds = this.countdownZones();
    if (zoom >= 6 || cds.length <= 40) {
      ctx.textAlign = 'center';
      for (const { zone, text } of cds) {
        const z = this.zoneInfo.get(zone);
        if (!z) continue;
        const p = m.project(z.point);
        if (p.x < -40 || p.y < -20 || p.x > w + 40 || p.y > h + 20) continue;
        ctx.fillStyle = '#ffffff';
        ctx.strokeText(text, p.x, p.y); ctx.fillText(text, p.x, p.y);
      }
    }
    // Speed and altitude next to each track (all tracks when zoomed in or few).
    if (!this.showTracks) return;
    const all = zoom >= 7 || this.tracks.length <= 60;
    ctx.textAlign = 'left';
    for (let i = 0; i < this.tracks.length; i++) {
      const tr = this.tracks[i];
      const sel = tr.id === this.selectedTrack;
      if (!all && !sel) continue;
      const c = this.trackPosition(i);
      if (!c) continue;
      const p = m.project(c);
      if (p.x < -10 || p.y < -10 || p.x > w + 10 || p.y > h + 10) continue;
      const text = sel ? `${tr.id}  ${this.labelText(tr)}` : this.labelText(tr);
      ctx.fillStyle = sel ? '#4fc3ff' : '#e6edf3';
      ctx.strokeText(text, p.x + 12, p.y); ctx.fillText(text, p.x + 12, p.y);
    }
  }
}
