// Spatial hash of tracks for the associator: a report looks only at the tracks in
// the cells around it instead of every live track. Points are projected radially
// onto a sphere of the Earth's radius (altitude ignored) and binned in cubic cells.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "track/ecef.h"

namespace tocsin::track {

class TrackGrid {
 public:
  explicit TrackGrid(double cell_m) : cell_m_(cell_m) {}

  std::uint64_t KeyOf(const Vec3& ecef) const;
  void Insert(int track, std::uint64_t key);
  void Remove(int track, std::uint64_t key);
  // Appends the tracks in the 27 cells around `ecef` to *out (may repeat tracks
  // already there; callers dedupe).
  void Near(const Vec3& ecef, std::vector<int>* out) const;
  std::size_t cells() const { return cells_.size(); }

 private:
  double cell_m_;
  std::unordered_map<std::uint64_t, std::vector<int>> cells_;
};

}  // namespace tocsin::track
