#include "zones/ring_validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "zones/planar.h"

namespace tocsin::zones::internal {
namespace {

struct SweepEdge {
  double min_x, max_x, min_y, max_y;
  int ring;   // ring number within the set being checked
  int index;  // edge index within its ring
  int ring_edges;
  const LatLon* a;
  const LatLon* b;
};

std::string Where(const LatLon& p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "(lat %.7g, lon %.7g)", p.lat, p.lon);
  return buf;
}

std::string RingName(int ring) {
  return ring == 0 ? "outer ring" : "hole " + std::to_string(ring);
}

double SignedArea2(const Ring& r) {
  double s = 0;
  for (size_t i = 0; i + 1 < r.size(); ++i) s += r[i].lon * r[i + 1].lat - r[i + 1].lon * r[i].lat;
  return s;
}

void AddEdges(const Ring& r, int ring, std::vector<SweepEdge>* out) {
  const int n = static_cast<int>(r.size()) - 1;
  for (int i = 0; i < n; ++i) {
    const LatLon& a = r[i];
    const LatLon& b = r[i + 1];
    out->push_back({std::min(a.lon, b.lon), std::max(a.lon, b.lon), std::min(a.lat, b.lat),
                    std::max(a.lat, b.lat), ring, i, n, &a, &b});
  }
}

// Sweeps all edges by x and reports the first forbidden contact.
std::string SweepForContacts(std::vector<SweepEdge>& edges, bool rings_are_polygons) {
  std::sort(edges.begin(), edges.end(),
            [](const SweepEdge& a, const SweepEdge& b) { return a.min_x < b.min_x; });
  for (size_t i = 0; i < edges.size(); ++i) {
    const SweepEdge& e = edges[i];
    for (size_t j = i + 1; j < edges.size() && edges[j].min_x <= e.max_x; ++j) {
      const SweepEdge& f = edges[j];
      if (f.min_y > e.max_y || f.max_y < e.min_y) continue;
      if (e.ring == f.ring) {
        // Edges of one ring may touch (a vertex on another edge, a shared vertex,
        // a zero-width spike): simplified real data has such rings and the
        // even-odd rule handles them. They must not cross.
        const bool neighbours = (e.index + 1) % e.ring_edges == f.index ||
                                (f.index + 1) % f.ring_edges == e.index;
        if (!neighbours && SegmentsCrossProperly(e.a->lon, e.a->lat, e.b->lon, e.b->lat,
                                                 f.a->lon, f.a->lat, f.b->lon, f.b->lat))
          return (rings_are_polygons ? "polygon " + std::to_string(e.ring + 1) + " outer ring"
                                     : RingName(e.ring)) +
                 " intersects itself (edges " + std::to_string(std::min(e.index, f.index)) +
                 " and " + std::to_string(std::max(e.index, f.index)) + " cross) near " +
                 Where(*e.a);
      } else if (SegmentsCrossProperly(e.a->lon, e.a->lat, e.b->lon, e.b->lat, f.a->lon,
                                       f.a->lat, f.b->lon, f.b->lat)) {
        if (rings_are_polygons)
          return "polygons " + std::to_string(std::min(e.ring, f.ring) + 1) + " and " +
                 std::to_string(std::max(e.ring, f.ring) + 1) + " cross each other near " +
                 Where(*e.a);
        return RingName(std::min(e.ring, f.ring)) + " and " + RingName(std::max(e.ring, f.ring)) +
               " cross each other near " + Where(*e.a);
      }
    }
  }
  return "";
}

// Crossing-number test; points on the boundary count as neither.
int PointInRing(const LatLon& p, const Ring& r) {
  bool inside = false;
  for (size_t i = 0; i + 1 < r.size(); ++i) {
    const LatLon& a = r[i];
    const LatLon& b = r[i + 1];
    if (Orient(a.lon, a.lat, b.lon, b.lat, p.lon, p.lat) == 0 &&
        std::min(a.lon, b.lon) <= p.lon && p.lon <= std::max(a.lon, b.lon) &&
        std::min(a.lat, b.lat) <= p.lat && p.lat <= std::max(a.lat, b.lat))
      return 0;  // on the boundary
    if ((a.lat > p.lat) != (b.lat > p.lat) &&
        p.lon < a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat))
      inside = !inside;
  }
  return inside ? 1 : -1;
}

}  // namespace

std::string CheckPolygon(const Polygon& polygon) {
  std::vector<const Ring*> rings{&polygon.outer};
  for (const Ring& h : polygon.holes) rings.push_back(&h);
  size_t total = 0;
  std::vector<double> areas;
  for (size_t k = 0; k < rings.size(); ++k) {
    const Ring& r = *rings[k];
    total += r.size();
    double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
    for (const LatLon& p : r) {
      min_x = std::min(min_x, p.lon), max_x = std::max(max_x, p.lon);
      min_y = std::min(min_y, p.lat), max_y = std::max(max_y, p.lat);
    }
    // Collinear: every position within a hair of the line through the first
    // position and the one farthest from it.
    const LatLon& o = r[0];
    size_t far = 0;
    double far_d = 0;
    for (size_t i = 1; i < r.size(); ++i) {
      const double d = std::hypot(r[i].lon - o.lon, r[i].lat - o.lat);
      if (d > far_d) far_d = d, far = i;
    }
    double off = 0;
    for (const LatLon& p : r)
      off = std::max(off, std::abs(Orient(o.lon, o.lat, r[far].lon, r[far].lat, p.lon, p.lat)));
    if (!(far_d > 0) || off / far_d <= 1e-9 * far_d)
      return RingName(static_cast<int>(k)) + " is degenerate (all positions collinear)";
    if (max_x - min_x > 180)
      return RingName(static_cast<int>(k)) +
             " spans more than 180 degrees of longitude (rings crossing the antimeridian are "
             "not supported: split the polygon at 180 degrees)";
    const double box = (max_x - min_x) * (max_y - min_y);
    areas.push_back(box > 0 ? std::abs(SignedArea2(r)) / 2 / box : 0);
  }
  std::vector<SweepEdge> edges;
  edges.reserve(total);
  for (size_t k = 0; k < rings.size(); ++k) AddEdges(*rings[k], static_cast<int>(k), &edges);
  if (std::string why = SweepForContacts(edges, false); !why.empty()) return why;
  for (size_t k = 0; k < rings.size(); ++k)
    if (!(areas[k] > 1e-9))
      return RingName(static_cast<int>(k)) + " is degenerate (zero area)";
  for (size_t k = 1; k < rings.size(); ++k) {
    const Ring& h = *rings[k];
    bool inside = false, outside = false;
    for (size_t i = 0; i + 1 < h.size(); ++i) {
      const int where = PointInRing(h[i], polygon.outer);
      inside |= where > 0;
      outside |= where < 0;
    }
    if (outside || !inside)
      return RingName(static_cast<int>(k)) + " is not inside the outer ring";
  }
  return "";
}

std::string CheckPolygonsDoNotCross(const MultiPolygon& polygons) {
  if (polygons.size() < 2) return "";
  std::vector<SweepEdge> edges;
  for (size_t k = 0; k < polygons.size(); ++k) AddEdges(polygons[k].outer, static_cast<int>(k), &edges);
  // Only contacts between different polygons matter here (each ring was checked
  // on its own already); SweepForContacts would re-check same-ring pairs, so
  // filter them out by giving each polygon's outer ring its own ring number and
  // relying on CheckPolygon having passed: same-ring pairs never fail then.
  return SweepForContacts(edges, true);
}

}  // namespace tocsin::zones::internal
