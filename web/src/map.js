// The console map. MapLibre GL JS provides the camera and the interaction (drag, zoom,
// inertia, optional raster tiles); everything is drawn on a 2D overlay canvas in
// three layers:
//   base  — zone catalog, region outlines, sensors and their coverage;
//   slow  — zone alert colours, selection, drawn polygon, trails, predicted danger
//           pieces, countdowns (change at most a few times a second);
//   fast  — track icons and labels, every frame at the dead-reckoned positions.
// Base and slow are cached canvases with a margin around the view: while the view pans
// or zooms they are only translated and scaled, and redrawn when it stops (or when a
// pan leaves the margin). With software GL (headless Chromium without a GPU) a WebGL
// frame of the 1,476 zone polygons costs hundreds of milliseconds; this way neither
// live tracks nor panning wait for it. No glyph, sprite or tile server is needed. The
// map never rotates or tilts, so projection is an affine map of Web Mercator.

import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { drawTrackIcons, CATEGORY_COLORS, ICONS, ICON_SIZE } from './icons.js';


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

const MARGIN = 0.25; // cached layers extend this fraction of the view on every side
const EARTH_C = 40075016.686; // metres per Web Mercator unit at the equator

function ringsBox(rings) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rings) {
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] < b[0]) b[0] = r[i]; if (r[i] > b[2]) b[2] = r[i];
      if (r[i + 1] < b[1]) b[1] = r[i + 1]; if (r[i + 1] > b[3]) b[3] = r[i + 1];
    }
  }
  return b;
}

// Even-odd point-in-polygon over all rings (outer rings and holes) in Mercator units.
function insideRings(x, y, rings) {
  let inside = false;
  for (const r of rings) {
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
      const yi = r[i + 1]; const yj = r[j + 1];
      if ((yi > y) !== (yj > y) && x < ((r[j] - r[i]) * (y - yi)) / (yj - yi) + r[i]) inside = !inside;
    }
  }
  return inside;
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
    // Without a tile layer the WebGL canvas shows nothing: make it transparent so it
    // costs no compositing (the page background is the map colour).
    this.hasTiles = !!tileUrl;
    if (!this.hasTiles) this.map.getCanvas().style.opacity = '0'; // still takes the pointer events
    this.overlay = overlay;
    this.ctx = overlay.getContext('2d');
    this.base = document.createElement('canvas'); // cached base layer
    this.baseCtx = this.base.getContext('2d');
    this.baseDirty = true;
    this.regionRings = [];
    this.sensorList = [];
    this.drawPts = []; this.drawClosed = false;
    this.showSensors = true; this.showCoverage = true; this.showRegions = true;
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
    // Redraw the cached layers sharp once the view has rested for 150 ms.
    let rest = null;
    this.map.on('move', () => clearTimeout(rest));
    this.map.on('moveend', () => {
      clearTimeout(rest);
      rest = setTimeout(() => { this.slowDirty = true; this.baseDirty = true; this.map.triggerRepaint(); }, 150);
    });
    this.sizeOverlay();
  }

  addLayers() { drawTrackIcons(); }

  sizeOverlay() {
    const c = this.map.getCanvas();
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth; const h = c.clientHeight;
    this.overlay.width = Math.round(w * dpr); this.overlay.height = Math.round(h * dpr);
    this.overlay.style.width = `${w}px`; this.overlay.style.height = `${h}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.slowDirty = true;
    this.baseDirty = true;
  }

  setZones(fc) {
    this.zoneInfo.clear();
    for (const f of fc.features) {
      if (!f.properties || f.properties.id === undefined || !f.geometry) continue;
      this.zoneInfo.set(String(f.properties.id), { props: f.properties, point: labelPoint(f.geometry), rings: mercRings(f.geometry) });
    }
    for (const z of this.zoneInfo.values()) z.box = ringsBox(z.rings);
    this.baseDirty = true;
    this.zoneBounds = boundsOf(fc);
    this.fitZones();
  }

  fitZones() {
    if (this.zoneBounds) this.map.fitBounds(this.zoneBounds, { padding: 20, duration: 0 });
  }

  setRegions(fc) {
    this.regionRings = [];
    for (const f of fc.features || []) if (f.geometry) this.regionRings.push(...mercRings(f.geometry));
    this.baseDirty = true;
  }

  setSensors(list) {
    this.sensorList = list.filter((s) => Number.isFinite(s.lat) && Number.isFinite(s.lon))
      .map((s) => ({ ...s, mx: mercX(s.lon), my: mercY(s.lat) }));
    this.baseDirty = true;
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
    this.slowDirty = true;
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
    this.drawPts = points; this.drawClosed = closed;
    this.slowDirty = true;
  }

  setGroupVisible(group, visible) {
    if (group === 'labels') { this.showLabels = visible; this.map.triggerRepaint(); return; }
    if (group === 'tracks') { this.showTracks = visible; this.slowDirty = true; return; }
    if (group === 'trails') { this.showTrails = visible; this.slowDirty = true; return; }
    if (group === 'danger') { this.showDanger = visible; this.slowDirty = true; return; }
    if (group === 'sensors') this.showSensors = visible;
    if (group === 'coverage') this.showCoverage = visible;
    if (group === 'regions') this.showRegions = visible;
    this.baseDirty = true;
  }

  // Zone under a screen point (map container pixels), or null.
  zoneAt(x, y) {
    const pr = this.projector();
    const mx = (x - pr.a.x) / pr.sx + 0.5; const my = (y - pr.a.y) / pr.sy + 0.5;
    for (const [id, z] of this.zoneInfo) {
      const b = z.box;
      if (mx < b[0] || mx > b[2] || my < b[1] || my > b[3]) continue;
      if (insideRings(mx, my, z.rings)) return id;
    }
    return null;
  }

  // Feature under a click: tracks first, then sensors, then zones.
  pick(point) {
    const pr = this.projector();
    if (this.showTracks) {
      let best = -1; let bestD = 12 * 12;
      for (let i = 0; i < this.tracks.length; i++) {
        const [x, y] = pr(this.trackLL[2 * i], this.trackLL[2 * i + 1]);
        const dx = x - point.x; const dy = y - point.y;
        if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = i; }
      }
      if (best >= 0) return { kind: 'track', id: this.tracks[best].id };
    }
    if (this.showSensors) {
      for (const s of this.sensorList) {
        const [x, y] = pr.merc(s.mx, s.my);
        if ((x - point.x) ** 2 + (y - point.y) ** 2 < 7 * 7) return { kind: 'sensor', id: s.id };
      }
    }
    const z = this.zoneAt(point.x, point.y);
    return z ? { kind: 'zone', id: z } : null;
  }

  // Zones drawn in the current view (their bounding box meets it).
  zonesRenderedCount() {
    const pr = this.projector();
    const c = this.map.getContainer();
    const x0 = -pr.a.x / pr.sx + 0.5; const x1 = (c.clientWidth - pr.a.x) / pr.sx + 0.5;
    const y0 = -pr.a.y / pr.sy + 0.5; const y1 = (c.clientHeight - pr.a.y) / pr.sy + 0.5;
    let n = 0;
    for (const z of this.zoneInfo.values()) {
      const b = z.box;
      if (b[2] >= x0 && b[0] <= x1 && b[3] >= y0 && b[1] <= y1) n++;
    }
    return n;
  }

  flyToZone(id) {
    const z = this.zoneInfo.get(id);
    if (z) this.map.easeTo({ center: z.point, zoom: Math.max(this.map.getZoom(), 8) });
  }

  // Predicted danger pieces (corridors orange, impact ellipses red), trails (one path
  // per colour) and countdowns to expected arrival on zones under alert.
  // Sizes and clears a cached layer canvas (the view plus MARGIN on every side) and
  // returns the projector it is drawn with; canvas pixel = view pixel + margin.
  prepareCache(canvas, ctx, w, h) {
    const dpr = window.devicePixelRatio || 1;
    const mw = w * MARGIN; const mh = h * MARGIN;
    const cw = Math.round((w + 2 * mw) * dpr); const ch = Math.round((h + 2 * mh) * dpr);
    if (canvas.width !== cw || canvas.height !== ch) { canvas.width = cw; canvas.height = ch; }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, cw, ch);
    ctx.setTransform(dpr, 0, 0, dpr, dpr * mw, dpr * mh);
    const pr = this.projector();
    return { pr, view: { ax: pr.a.x, ay: pr.a.y, sx: pr.sx, sy: pr.sy, mw, mh, w: w + 2 * mw, h: h + 2 * mh } };
  }

  // Draws a cached layer for the current view: translated and scaled from the view it
  // was drawn for. Returns false when the view has left its margin (redraw it).
  blit(canvas, v, w, h) {
    const pr = this.projector();
    const k = pr.sx / v.sx;
    const x = pr.a.x - (v.mw + v.ax) * k; const y = pr.a.y - (v.mh + v.ay) * k;
    this.ctx.drawImage(canvas, x, y, v.w * k, v.h * k);
    return x <= 0.5 && y <= 0.5 && x + v.w * k >= w - 0.5 && y + v.h * k >= h - 0.5;
  }

  // Zone catalog (fill and borders), region outlines, sensor coverage and sensors.
  drawBase(w, h) {
    this.baseDirty = false;
    const ctx = this.baseCtx;
    const { pr, view } = this.prepareCache(this.base, ctx, w, h);
    this.baseView = view;
    const ax = pr.a.x; const ay = pr.a.y; const { sx, sy } = pr;
    const rings = (list) => {
      for (const r of list) {
        ctx.moveTo(ax + (r[0] - 0.5) * sx, ay + (r[1] - 0.5) * sy);
        for (let k = 2; k < r.length; k += 2) ctx.lineTo(ax + (r[k] - 0.5) * sx, ay + (r[k + 1] - 0.5) * sy);
        ctx.closePath();
      }
    };
    ctx.beginPath();
    for (const z of this.zoneInfo.values()) rings(z.rings);
    ctx.fillStyle = 'rgba(43,59,79,0.3)'; ctx.fill('evenodd');
    ctx.lineWidth = 0.5; ctx.strokeStyle = 'rgba(74,93,117,0.9)'; ctx.stroke();
    if (this.showRegions && this.regionRings.length) {
      ctx.beginPath(); rings(this.regionRings);
      ctx.lineWidth = 1.2; ctx.strokeStyle = '#a9b8cc'; ctx.stroke();
    }
    if (this.showCoverage) {
      for (const s of this.sensorList) {
        if (!(s.range_m > 0)) continue;
        const [x, y] = pr.merc(s.mx, s.my);
        const r = (s.range_m * sx) / (EARTH_C * Math.cos((s.lat * Math.PI) / 180));
        ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(88,166,255,0.04)'; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = s.stale ? 'rgba(119,119,119,0.5)' : 'rgba(88,166,255,0.5)'; ctx.stroke();
      }
    }
    if (this.showSensors) {
      const colour = { radar: '#58a6ff', acoustic: '#b388ff' };
      for (const s of this.sensorList) {
        const [x, y] = pr.merc(s.mx, s.my);
        ctx.beginPath(); ctx.arc(x, y, s.type === 'radar' ? 5 : s.type === 'acoustic' ? 3 : 4, 0, 2 * Math.PI);
        ctx.fillStyle = s.stale ? '#6b6b6b' : (colour[s.type] || '#8bc34a'); ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = '#0d1520'; ctx.stroke();
      }
    }
  }

  drawSlowLayer(w, h) {
    this.slowDirty = false;
    const ctx = this.slowCtx;
    const { pr, view } = this.prepareCache(this.slow, ctx, w, h);
    this.slowView = view;
    const m = this.map;
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
    // Operator's selected zones and drawn polygon.
    if (this.selectedZones.size) {
      ctx.beginPath();
      for (const id of this.selectedZones) {
        const z = this.zoneInfo.get(id);
        if (!z) continue;
        for (const r of z.rings) {
          ctx.moveTo(ax + (r[0] - 0.5) * sx, ay + (r[1] - 0.5) * sy);
          for (let k = 2; k < r.length; k += 2) ctx.lineTo(ax + (r[k] - 0.5) * sx, ay + (r[k + 1] - 0.5) * sy);
          ctx.closePath();
        }
      }
      ctx.lineWidth = 3; ctx.strokeStyle = '#4fc3ff'; ctx.stroke();
    }
    if (this.drawPts.length) {
      ctx.beginPath(); path(this.drawPts);
      if (this.drawClosed) { ctx.closePath(); ctx.fillStyle = 'rgba(79,195,255,0.15)'; ctx.fill(); }
      ctx.setLineDash([6, 3]); ctx.lineWidth = 2; ctx.strokeStyle = '#4fc3ff'; ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#4fc3ff';
      for (const q of this.drawPts) { const [x, y] = pr(q[0], q[1]); ctx.beginPath(); ctx.arc(x, y, 4, 0, 2 * Math.PI); ctx.fill(); }
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
    // Cached layers: redrawn when their content changed or the view left their margin.
    if (this.baseDirty) this.drawBase(w, h);
    if (!this.blit(this.base, this.baseView, w, h)) this.baseDirty = true;
    if (this.slowDirty) this.drawSlowLayer(w, h);
    if (!this.blit(this.slow, this.slowView, w, h)) this.slowDirty = true;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
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
