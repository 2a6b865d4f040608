// A zone's geometry prepared for fast queries (internal to tocsin_zones): all ring
// edges of the multipolygon in lon/lat, bucketed into latitude bands so that a
// point-in-polygon test or a search near a latitude only looks at a few edges.
// Thread-safety: immutable after construction.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include <cmath>

#include "zones/geometry.h"
#include "zones/planar.h"

namespace tocsin::zones::internal {

// A point on the WGS84 ellipsoid in Earth-centred Cartesian metres.
struct Ecef {
  double x, y, z;
};
Ecef ToEcef(double lat, double lon);

// A lower bound of the geodesic distance between two points: the straight chord
// through the Earth is never longer than a path on its surface (less 1 mm for
// rounding; GeographicLib's Inverse is accurate to nanometres).
inline double ChordLowerBound(const Ecef& a, const Ecef& b) {
  return std::max(0.0, std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                                 (a.z - b.z) * (a.z - b.z)) - 1e-3);
}

class ZoneShape {
 public:
  explicit ZoneShape(const MultiPolygon& geometry);

  const BoxLL& bbox() const { return bbox_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // The Cartesian positions of edge i's start (2 i) and end (2 i + 1).
  const Ecef& edge_end(size_t k) const { return ends_[k]; }
  // EdgeLengthBound(edges()[i]) (geodesic_distance.h), computed once.
  double edge_length_bound(size_t i) const { return length_bounds_[i]; }

  // Even-odd rule over every ring (holes excluded), straight edges in lon/lat.
  // Points exactly on the boundary may go either way.
  bool Contains(double lon, double lat) const;

  // Calls f(const Edge&) for every edge whose latitude range may overlap
  // [lat_lo, lat_hi]; an edge may be visited more than once. f returns false to stop.
  // Returns false when stopped.
  template <typename F>
  bool ForEachEdgeNearLat(double lat_lo, double lat_hi, F&& f) const {
    if (lat_hi < bbox_.min_lat || lat_lo > bbox_.max_lat) return true;
    const int b0 = Band(lat_lo), b1 = Band(lat_hi);
    if (b0 == 0 && b1 == bands_ - 1 && bands_ > 1) {
      for (const Edge& e : edges_)
        if (!f(e)) return false;
      return true;
    }
    for (int b = b0; b <= b1; ++b)
      for (uint32_t k = band_start_[b]; k < band_start_[b + 1]; ++k)
        if (!f(edges_[band_edges_[k]])) return false;
    return true;
  }

  // A point of the zone (when anchor_inside()) and a radius in metres around it
  // that holds the whole zone: cheap bounds for far-away queries. Set once by the
  // catalog after construction; radius is +inf until then.
  void SetAnchor(LatLon anchor, bool inside, double radius_m) {
    anchor_ = anchor, anchor_inside_ = inside, radius_ = radius_m;
  }
  LatLon anchor() const { return anchor_; }
  bool anchor_inside() const { return anchor_inside_; }
  double radius() const { return radius_; }

  // x positions (lon) where the horizontal line at `lat` crosses the boundary,
  // with the same half-open rule as Contains; unsorted.
  void Crossings(double lat, std::vector<double>* xs) const;

 private:
  int Band(double lat) const {
    int b = static_cast<int>((lat - bbox_.min_lat) * inv_band_h_);
    return b < 0 ? 0 : (b >= bands_ ? bands_ - 1 : b);
  }

  BoxLL bbox_;
  LatLon anchor_;
  bool anchor_inside_ = false;
  double radius_ = INFINITY;
  std::vector<Edge> edges_;
  std::vector<Ecef> ends_;  // 2 per edge
  std::vector<double> length_bounds_;  // 1 per edge
  int bands_ = 1;
  double inv_band_h_ = 0;
  std::vector<uint32_t> band_start_;  // bands_ + 1 offsets into band_edges_
  std::vector<uint32_t> band_edges_;
};

}  // namespace tocsin::zones::internal
