// Small planar helpers shared by the zone code: boxes, edges and distances in a
// plane (lon/lat degrees, or metres in a local frame). Internal to tocsin_zones.
// Thread-safety: plain values and pure functions.
#pragma once

#include <algorithm>
#include <cmath>

namespace tocsin::zones::internal {

struct BoxLL {  // lon/lat degrees; empty when min > max
  double min_lon = INFINITY, min_lat = INFINITY, max_lon = -INFINITY, max_lat = -INFINITY;
  void Extend(double lon, double lat) {
    min_lon = std::min(min_lon, lon);
    max_lon = std::max(max_lon, lon);
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
  }
  void Extend(const BoxLL& b) {
    Extend(b.min_lon, b.min_lat);
    Extend(b.max_lon, b.max_lat);
  }
  bool empty() const { return min_lon > max_lon; }
  bool Intersects(const BoxLL& b) const {
    return !(b.min_lon > max_lon || b.max_lon < min_lon || b.min_lat > max_lat ||
             b.max_lat < min_lat);
  }
};

// A straight edge in lon/lat: x = lon, y = lat (degrees).
struct Edge {
  double x1, y1, x2, y2;
};

// Twice the signed area of triangle (a, b, c); > 0 when counter-clockwise.
inline double Orient(double ax, double ay, double bx, double by, double cx, double cy) {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

// Squared distance from (px, py) to segment (ax, ay)-(bx, by); *t receives the
// parameter of the nearest point (0 at a, 1 at b).
inline double PointSegmentDist2(double px, double py, double ax, double ay, double bx, double by,
                                double* t = nullptr) {
  const double dx = bx - ax, dy = by - ay;
  const double len2 = dx * dx + dy * dy;
  double u = 0.0;
  if (len2 > 0) u = std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0);
  if (t) *t = u;
  const double ex = ax + u * dx - px, ey = ay + u * dy - py;
  return ex * ex + ey * ey;
}

// True when the closed segments p1-p2 and p3-p4 share at least one point.
inline bool SegmentsIntersect(double x1, double y1, double x2, double y2, double x3, double y3,
                              double x4, double y4) {
  const double d1 = Orient(x3, y3, x4, y4, x1, y1);
  const double d2 = Orient(x3, y3, x4, y4, x2, y2);
  const double d3 = Orient(x1, y1, x2, y2, x3, y3);
  const double d4 = Orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return true;
  auto on = [](double ax, double ay, double bx, double by, double px, double py) {
    return std::min(ax, bx) <= px && px <= std::max(ax, bx) && std::min(ay, by) <= py &&
           py <= std::max(ay, by);
  };
  if (d1 == 0 && on(x3, y3, x4, y4, x1, y1)) return true;
  if (d2 == 0 && on(x3, y3, x4, y4, x2, y2)) return true;
  if (d3 == 0 && on(x1, y1, x2, y2, x3, y3)) return true;
  if (d4 == 0 && on(x1, y1, x2, y2, x4, y4)) return true;
  return false;
}

// True when the segments cross at a single point interior to both.
inline bool SegmentsCrossProperly(double x1, double y1, double x2, double y2, double x3,
                                  double y3, double x4, double y4) {
  const double d1 = Orient(x3, y3, x4, y4, x1, y1);
  const double d2 = Orient(x3, y3, x4, y4, x2, y2);
  const double d3 = Orient(x1, y1, x2, y2, x3, y3);
  const double d4 = Orient(x1, y1, x2, y2, x4, y4);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

// Squared distance between segments a1-a2 and b1-b2; *ta, *tb receive the
// parameters of a closest pair.
inline double SegmentSegmentDist2(double ax1, double ay1, double ax2, double ay2, double bx1,
                                  double by1, double bx2, double by2, double* ta, double* tb) {
  if (SegmentsCrossProperly(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2)) {
    const double d1 = Orient(bx1, by1, bx2, by2, ax1, ay1);
    const double d2 = Orient(bx1, by1, bx2, by2, ax2, ay2);
    const double d3 = Orient(ax1, ay1, ax2, ay2, bx1, by1);
    const double d4 = Orient(ax1, ay1, ax2, ay2, bx2, by2);
    *ta = d1 / (d1 - d2);
    *tb = d3 / (d3 - d4);
    return 0.0;
  }
  double t = 0, best = PointSegmentDist2(ax1, ay1, bx1, by1, bx2, by2, &t);
  *ta = 0, *tb = t;
  double d = PointSegmentDist2(ax2, ay2, bx1, by1, bx2, by2, &t);
  if (d < best) best = d, *ta = 1, *tb = t;
  d = PointSegmentDist2(bx1, by1, ax1, ay1, ax2, ay2, &t);
  if (d < best) best = d, *ta = t, *tb = 0;
  d = PointSegmentDist2(bx2, by2, ax1, ay1, ax2, ay2, &t);
  if (d < best) best = d, *ta = t, *tb = 1;
  return best;
}

}  // namespace tocsin::zones::internal
