// Fake live tracks for the mock: threats flying straight from launch areas to targets
// around Odesa and Kyiv. Positions are a pure function of time (no ticking); a track
// that reaches its target or is "shot down" is replaced by a new one with a new id.

import { toKm, toLonLat, corridorRing, ellipseRing } from './geo.js';

const groups = [
  { // Shahed-type drones and cruise missiles over the Black Sea at Odesa and the ports
    weight: 0.45,
    launch: { lat: 45.2, lon: 32.4, dlat: 0.5, dlon: 1.0 },
    targets: [[46.48, 30.73], [46.30, 30.65], [46.62, 31.0], [45.35, 28.84], [46.97, 32.0]],
    mix: [['drone', 0.85], ['cruise_missile', 0.15]],
  },
  { // drones from the north-east at Kyiv
    weight: 0.35,
    launch: { lat: 51.6, lon: 33.6, dlat: 0.5, dlon: 1.2 },
    targets: [[50.45, 30.52], [50.18, 30.32], [50.51, 30.79], [49.8, 30.11]],
    mix: [['drone', 0.8], ['cruise_missile', 0.1], ['unknown', 0.1]],
  },
  { // ballistic missiles from the Kursk area at Kyiv
    weight: 0.05,
    launch: { lat: 51.7, lon: 36.2, dlat: 0.2, dlon: 0.2 },
    targets: [[50.45, 30.52], [50.4, 30.6]],
    mix: [['ballistic_missile', 1]],
  },
  { // friendly patrol aircraft between the two cities
    weight: 0.15,
    launch: { lat: 48.5, lon: 31.0, dlat: 1.5, dlon: 1.5 },
    targets: [[47.5, 30.0], [49.5, 31.5], [48.0, 32.5]],
    mix: [['aircraft', 0.7], ['unknown', 0.3]],
  },
];

const kinematics = {
  drone: { speed: [42, 52], alt: [100, 2500] },
  cruise_missile: { speed: [220, 250], alt: [40, 200] },
  ballistic_missile: { speed: [1200, 1800], alt: [0, 0] },
  aircraft: { speed: [150, 220], alt: [3000, 8000] },
  unknown: { speed: [30, 60], alt: [200, 1500] },
  rocket: { speed: [300, 600], alt: [0, 0] },
};

// Deterministic PRNG so every run of the mock looks alike.
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

export function createTrackSim({ count, now, seed = 1 }) {
  const rand = rng(seed);
  const pick = (items) => {
    let r = rand() * items.reduce((a, [, w]) => a + w, 0);
    for (const [v, w] of items) { if ((r -= w) <= 0) return v; }
    return items[items.length - 1][0];
  };
  let nextId = 1;
  const uniform = ([a, b]) => a + (b - a) * rand();

  function spawn(t, spread) {
    const g = pick(groups.map((x) => [x, x.weight]));
    const category = pick(g.mix);
    const k = kinematics[category];
    const start = toKm([g.launch.lon + (rand() - 0.5) * 2 * g.launch.dlon, g.launch.lat + (rand() - 0.5) * 2 * g.launch.dlat]);
    const [tlat, tlon] = g.targets[Math.floor(rand() * g.targets.length)];
    const end = toKm([tlon + (rand() - 0.5) * 0.1, tlat + (rand() - 0.5) * 0.1]);
    const speed = uniform(k.speed) / 1000; // km/s
    const length = Math.hypot(end[0] - start[0], end[1] - start[1]);
    const duration = length / speed;
    // Tracks at start-up are spread along their route; later ones start at launch.
    const t0 = spread ? t - rand() * duration * 0.9 : t;
    // Some threats are shot down part way.
    const lifetime = category !== 'aircraft' && rand() < 0.4 ? duration * (0.3 + 0.6 * rand()) : duration;
    return { id: `trk-${nextId++}`, category, start, end, speed, length, t0, lifetime, alt: uniform(k.alt), confidence: 0.5 + 0.5 * rand() };
  }

  const live = [];
  for (let i = 0; i < count; i++) live.push(spawn(now(), true));

  function refresh(t) {
    for (let i = 0; i < live.length; i++) {
      if (t - live[i].t0 >= live[i].lifetime) live[i] = spawn(t, false);
    }
  }

  function kin(tr, t) {
    const dt = Math.max(0, Math.min(t - tr.t0, tr.lifetime));
    const f = Math.min(1, (tr.speed * dt) / tr.length);
    const ux = (tr.end[0] - tr.start[0]) / tr.length; const uy = (tr.end[1] - tr.start[1]) / tr.length;
    const pos = [tr.start[0] + (tr.end[0] - tr.start[0]) * f, tr.start[1] + (tr.end[1] - tr.start[1]) * f];
    let alt = tr.alt + 50 * Math.sin(dt / 30);
    let up = (50 / 30) * Math.cos(dt / 30);
    if (tr.category === 'ballistic_missile') {
      alt = 60000 * Math.sin(Math.PI * f);
      up = 60000 * Math.PI * Math.cos(Math.PI * f) * tr.speed / tr.length;
    }
    return { pos, vel: [ux * tr.speed, uy * tr.speed], alt, up, heading: (Math.atan2(ux, uy) * 180) / Math.PI };
  }

  return {
    count: () => live.length,
    // For the alert engine: position and velocity in km, km/s.
    snapshot(t) {
      refresh(t);
      return live.map((tr) => {
        const k = kin(tr, t);
        const remaining = Math.max(0, tr.length - tr.speed * (t - tr.t0));
        return { id: tr.id, category: tr.category, pos: k.pos, vel: k.vel, remaining_km: remaining };
      });
    },
    // The /api/tracks array.
    tracks(t, engine) {
      refresh(t);
      return live.map((tr) => {
        const k = kin(tr, t);
        const [lon, lat] = toLonLat(k.pos);
        const trail = [];
        for (let i = 20; i >= 1; i--) {
          const ts = t - i * 4;
          if (ts < tr.t0) continue;
          trail.push(toLonLat(kin(tr, ts).pos).map((v) => +v.toFixed(5)));
        }
        const remaining = Math.max(0.5, tr.length - tr.speed * (t - tr.t0));
        const ahead = Math.min(remaining, tr.speed * 600);
        const tip = [k.pos[0] + (k.vel[0] / tr.speed) * ahead, k.pos[1] + (k.vel[1] / tr.speed) * ahead];
        const pieces = [];
        if (tr.category !== 'aircraft') {
          // As tocsin serve sends corridors: centre line + half width; tracks whose id
          // ends in 4 send a widening polygon instead (the console draws both).
          if (tr.id.endsWith('4')) {
            pieces.push({ type: 'corridor', geometry: { type: 'Polygon', coordinates: [corridorRing(k.pos, tip, 1.5, 1.5 + ahead * 0.08)] } });
          } else {
            pieces.push({ type: 'corridor', half_width_m: 3000, geometry: { type: 'LineString', coordinates: [toLonLat(k.pos), toLonLat(tip)] } });
          }
          if (tr.category !== 'drone' && tr.category !== 'unknown') {
            pieces.push({ type: 'ellipse', geometry: { type: 'Polygon', coordinates: [ellipseRing(tr.end, 6, 3, (k.heading * Math.PI) / 180)] } });
          }
        }
        return {
          id: tr.id, time: t, lat: +lat.toFixed(6), lon: +lon.toFixed(6), alt_m: Math.round(k.alt),
          speed_mps: +(tr.speed * 1000).toFixed(1), heading_deg: +((k.heading + 360) % 360).toFixed(1),
          vel_up: +k.up.toFixed(1), category: tr.category, confidence: +tr.confidence.toFixed(2),
          trail, danger: { pieces }, arrivals: engine.arrivalsFor(tr.id, t),
        };
      });
    },
  };
}
