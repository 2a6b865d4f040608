// Small planar geometry helpers for the mock (equirectangular km around 48.5 N;
// good enough for fake tracks, not for anything real).

const KM_PER_DEG_LAT = 111.2;
const KM_PER_DEG_LON = 111.2 * Math.cos((48.5 * Math.PI) / 180);

export function toKm([lon, lat]) { return [lon * KM_PER_DEG_LON, lat * KM_PER_DEG_LAT]; }
export function toLonLat([x, y]) { return [x / KM_PER_DEG_LON, y / KM_PER_DEG_LAT]; }

// Mean of a ring's vertices (closing vertex excluded), [lon, lat].
export function ringCentroid(ring) {
  let sx = 0; let sy = 0; const n = Math.max(1, ring.length - 1);
  for (let i = 0; i < n; i++) { sx += ring[i][0]; sy += ring[i][1]; }
  return [sx / n, sy / n];
}

// Ray casting; ring is [[lon,lat],...], closed or not.
export function pointInPolygon([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]; const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Distance (km) from point p to segment a-b and the fraction along it of the closest point.
export function segmentDistance(p, a, b) {
  const dx = b[0] - a[0]; const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let f = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  f = Math.max(0, Math.min(1, f));
  const cx = a[0] + f * dx - p[0]; const cy = a[1] + f * dy - p[1];
  return [Math.sqrt(cx * cx + cy * cy), f];
}

// Closed GeoJSON ring of an ellipse centred at c (km), semi-axes a along heading, b across.
export function ellipseRing(c, a, b, headingRad, n = 32) {
  const ring = [];
  const ux = Math.sin(headingRad); const uy = Math.cos(headingRad);
  for (let i = 0; i <= n; i++) {
    const t = (2 * Math.PI * i) / n;
    const along = a * Math.cos(t); const across = b * Math.sin(t);
    ring.push(toLonLat([c[0] + along * ux + across * uy, c[1] + along * uy - across * ux]));
  }
  return ring;
}

// Closed ring of a corridor from a to b (km) widening from w0 to w1 half-width.
export function corridorRing(a, b, w0, w1) {
  const dx = b[0] - a[0]; const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len; const ny = dx / len;
  const pts = [
    [a[0] + nx * w0, a[1] + ny * w0], [b[0] + nx * w1, b[1] + ny * w1],
    [b[0] - nx * w1, b[1] - ny * w1], [a[0] - nx * w0, a[1] - ny * w0],
  ];
  pts.push(pts[0]);
  return pts.map(toLonLat);
}
