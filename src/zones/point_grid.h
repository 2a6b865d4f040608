// A uniform lon/lat grid over a catalog for fast point -> zone lookups (internal
// to tocsin_zones). Each cell either lies wholly inside one zone (or none), so the
// answer is stored directly, or lists the few zones whose boundary passes through
// it, which are then tested exactly with ZoneShape::Contains.
// Thread-safety: immutable after Build.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "zones/planar.h"
#include "zones/zone_shape.h"

namespace tocsin::zones::internal {

class PointGrid {
 public:
  // REQUIRES: shapes non-empty and zone count < 2^31.
  void Build(const std::vector<ZoneShape>& shapes);

  // The lowest-index zone containing (lon, lat), as ZoneShape::Contains decides.
  std::optional<uint32_t> Locate(double lon, double lat,
                                 const std::vector<ZoneShape>& shapes) const {
    if (!(lon >= extent_.min_lon && lon <= extent_.max_lon && lat >= extent_.min_lat &&
          lat <= extent_.max_lat))
      return std::nullopt;
    const uint32_t v = cells_[Col(lon) + static_cast<size_t>(Row(lat)) * nx_];
    if (v == kNone) return std::nullopt;
    if (!(v & kListBit)) return v;
    const uint32_t* p = &lists_[v & ~kListBit];
    const uint32_t n = *p++;
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t z = p[i] & ~kListBit;
      if ((p[i] & kListBit) || shapes[z].Contains(lon, lat)) return z;
    }
    return std::nullopt;
  }

  int columns() const { return nx_; }
  int rows() const { return ny_; }

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  static constexpr uint32_t kListBit = 0x80000000u;

  int Col(double lon) const {
    const int c = static_cast<int>((lon - extent_.min_lon) * inv_w_);
    return c < 0 ? 0 : (c >= nx_ ? nx_ - 1 : c);
  }
  int Row(double lat) const {
    const int r = static_cast<int>((lat - extent_.min_lat) * inv_h_);
    return r < 0 ? 0 : (r >= ny_ ? ny_ - 1 : r);
  }

  BoxLL extent_;
  int nx_ = 0, ny_ = 0;
  double cell_w_ = 0, cell_h_ = 0, inv_w_ = 0, inv_h_ = 0;
  // Per cell: kNone, a zone index, or kListBit | offset into lists_.
  std::vector<uint32_t> cells_;
  // Lists: count, then zone indexes ascending; kListBit on an entry means the
  // zone covers the whole cell (no need to test).
  std::vector<uint32_t> lists_;
};

}  // namespace tocsin::zones::internal
