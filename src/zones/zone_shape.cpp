#include "zones/zone_shape.h"

#include <algorithm>
#include <cmath>

#include "zones/geodesic_distance.h"

namespace tocsin::zones::internal {

Ecef ToEcef(double lat, double lon) {
  constexpr double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), deg = M_PI / 180;
  const double sl = std::sin(lat * deg), cl = std::cos(lat * deg);
  const double n = a / std::sqrt(1 - e2 * sl * sl);
  return {n * cl * std::cos(lon * deg), n * cl * std::sin(lon * deg), n * (1 - e2) * sl};
}

ZoneShape::ZoneShape(const MultiPolygon& geometry) {
  auto add_ring = [&](const Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      edges_.push_back({r[i].lon, r[i].lat, r[i + 1].lon, r[i + 1].lat});
      bbox_.Extend(r[i].lon, r[i].lat);
    }
  };
  for (const Polygon& p : geometry) {
    add_ring(p.outer);
    for (const Ring& h : p.holes) add_ring(h);
  }
  ends_.reserve(2 * edges_.size());
  length_bounds_.reserve(edges_.size());
  for (const Edge& e : edges_) {
    ends_.push_back(ToEcef(e.y1, e.x1));
    ends_.push_back(ToEcef(e.y2, e.x2));
    length_bounds_.push_back(EdgeLengthBound(e));
  }
  if (edges_.empty()) {
    band_start_.assign(2, 0);
    return;
  }
  // About 4 edges per band, at most 4096 bands.
  bands_ = static_cast<int>(std::clamp<size_t>(edges_.size() / 4, 1, 4096));
  const double height = bbox_.max_lat - bbox_.min_lat;
  inv_band_h_ = height > 0 ? bands_ / height : 0;
  std::vector<uint32_t> count(bands_ + 1, 0);
  for (const Edge& e : edges_) {
    const int b0 = Band(std::min(e.y1, e.y2)), b1 = Band(std::max(e.y1, e.y2));
    for (int b = b0; b <= b1; ++b) ++count[b + 1];
  }
  band_start_.assign(bands_ + 1, 0);
  for (int b = 0; b < bands_; ++b) band_start_[b + 1] = band_start_[b] + count[b + 1];
  band_edges_.resize(band_start_[bands_]);
  std::vector<uint32_t> fill(band_start_.begin(), band_start_.end() - 1);
  for (uint32_t i = 0; i < edges_.size(); ++i) {
    const Edge& e = edges_[i];
    const int b0 = Band(std::min(e.y1, e.y2)), b1 = Band(std::max(e.y1, e.y2));
    for (int b = b0; b <= b1; ++b) band_edges_[fill[b]++] = i;
  }
}

bool ZoneShape::Contains(double lon, double lat) const {
  if (!(lon >= bbox_.min_lon && lon <= bbox_.max_lon && lat >= bbox_.min_lat &&
        lat <= bbox_.max_lat))
    return false;
  const int b = Band(lat);
  bool inside = false;
  for (uint32_t k = band_start_[b]; k < band_start_[b + 1]; ++k) {
    const Edge& e = edges_[band_edges_[k]];
    if ((e.y1 > lat) != (e.y2 > lat) && lon < e.x1 + (lat - e.y1) * (e.x2 - e.x1) / (e.y2 - e.y1))
      inside = !inside;
  }
  return inside;
}

void ZoneShape::Crossings(double lat, std::vector<double>* xs) const {
  xs->clear();
  if (lat < bbox_.min_lat || lat > bbox_.max_lat) return;
  const int b = Band(lat);
  for (uint32_t k = band_start_[b]; k < band_start_[b + 1]; ++k) {
    const Edge& e = edges_[band_edges_[k]];
    if ((e.y1 > lat) != (e.y2 > lat)) xs->push_back(e.x1 + (lat - e.y1) * (e.x2 - e.x1) / (e.y2 - e.y1));
  }
}

}  // namespace tocsin::zones::internal
