#include "track/track_grid.h"

#include <algorithm>
#include <cmath>

namespace tocsin::track {
namespace {
constexpr double kR = 6371000.0;
constexpr std::int64_t kBias = 1 << 20;

std::uint64_t Pack(std::int64_t i, std::int64_t j, std::int64_t k) {
  return (static_cast<std::uint64_t>(i + kBias) << 42) | (static_cast<std::uint64_t>(j + kBias) << 21) |
         static_cast<std::uint64_t>(k + kBias);
}
}  // namespace

std::uint64_t TrackGrid::KeyOf(const Vec3& p) const {
  const double n = std::max(p.norm(), 1.0);
  const Vec3 s = p * (kR / n / cell_m_);
  return Pack(static_cast<std::int64_t>(std::floor(s.x())), static_cast<std::int64_t>(std::floor(s.y())),
              static_cast<std::int64_t>(std::floor(s.z())));
}

void TrackGrid::Insert(int track, std::uint64_t key) { cells_[key].push_back(track); }

void TrackGrid::Remove(int track, std::uint64_t key) {
  auto it = cells_.find(key);
  if (it == cells_.end()) return;
  auto& v = it->second;
  auto pos = std::find(v.begin(), v.end(), track);
  if (pos != v.end()) {
    *pos = v.back();
    v.pop_back();
  }
  if (v.empty()) cells_.erase(it);
}

void TrackGrid::Near(const Vec3& p, std::vector<int>* out) const {
  const double n = std::max(p.norm(), 1.0);
  const Vec3 s = p * (kR / n / cell_m_);
  const auto i0 = static_cast<std::int64_t>(std::floor(s.x()));
  const auto j0 = static_cast<std::int64_t>(std::floor(s.y()));
  const auto k0 = static_cast<std::int64_t>(std::floor(s.z()));
  for (std::int64_t i = i0 - 1; i <= i0 + 1; ++i) {
    for (std::int64_t j = j0 - 1; j <= j0 + 1; ++j) {
      for (std::int64_t k = k0 - 1; k <= k0 + 1; ++k) {
        auto it = cells_.find(Pack(i, j, k));
        if (it != cells_.end()) out->insert(out->end(), it->second.begin(), it->second.end());
      }
    }
  }
}

}  // namespace tocsin::track
