#include "zones/point_grid.h"

#include <algorithm>
#include <cmath>

namespace tocsin::zones::internal {

void PointGrid::Build(const std::vector<ZoneShape>& shapes) {
  size_t total_edges = 0;
  extent_ = BoxLL{};
  for (const ZoneShape& s : shapes) {
    if (s.edges().empty()) continue;
    extent_.Extend(s.bbox());
    total_edges += s.edges().size();
  }
  if (extent_.empty()) {
    nx_ = ny_ = 1;
    extent_ = BoxLL{0, 0, 0, 0};
    cells_.assign(1, kNone);
    return;
  }
  // About 8 cells per edge, square on the ground, within sane limits.
  const double target = std::clamp<double>(8.0 * total_edges, 1024, 1 << 23);
  const double width = std::max(extent_.max_lon - extent_.min_lon, 1e-9);
  const double height = std::max(extent_.max_lat - extent_.min_lat, 1e-9);
  const double kx = std::max(std::cos((extent_.min_lat + extent_.max_lat) / 2 * M_PI / 180), 0.05);
  const double side = std::sqrt(width * kx * height / target);
  nx_ = static_cast<int>(std::clamp(std::ceil(width * kx / side), 1.0, 8192.0));
  ny_ = static_cast<int>(std::clamp(std::ceil(height / side), 1.0, 8192.0));
  cell_w_ = width / nx_;
  cell_h_ = height / ny_;
  inv_w_ = 1 / cell_w_;
  inv_h_ = 1 / cell_h_;
  const size_t n_cells = static_cast<size_t>(nx_) * ny_;

  // 1. Which zones have an edge in which cell (conservatively: the cells of each
  //    edge's bounding box). Pairs come out grouped by zone, ascending.
  std::vector<uint32_t> stamp(n_cells, kNone);
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (cell, zone)
  for (uint32_t z = 0; z < shapes.size(); ++z) {
    for (const Edge& e : shapes[z].edges()) {
      const int c0 = Col(std::min(e.x1, e.x2)), c1 = Col(std::max(e.x1, e.x2));
      const int r0 = Row(std::min(e.y1, e.y2)), r1 = Row(std::max(e.y1, e.y2));
      for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
          const size_t cell = c + static_cast<size_t>(r) * nx_;
          if (stamp[cell] != z) stamp[cell] = z, pairs.push_back({static_cast<uint32_t>(cell), z});
        }
    }
  }
  std::vector<uint32_t> start(n_cells + 1, 0);
  for (const auto& p : pairs) ++start[p.first + 1];
  for (size_t c = 0; c < n_cells; ++c) start[c + 1] += start[c];
  std::vector<uint32_t> edge_zones(pairs.size());
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& p : pairs) edge_zones[fill[p.first]++] = p.second;  // stable: zones ascending
  }
  pairs = {};
  auto has_edges_of = [&](size_t cell, uint32_t z) {
    return std::binary_search(edge_zones.begin() + start[cell], edge_zones.begin() + start[cell + 1], z);
  };

  // 2. The lowest zone covering each cell wholly: its centre is inside and none
  //    of its edges pass through the cell. Found with one scanline per row.
  std::vector<uint32_t> full(n_cells, kNone);
  std::vector<double> xs;
  for (uint32_t z = 0; z < shapes.size(); ++z) {
    const ZoneShape& s = shapes[z];
    if (s.edges().empty()) continue;
    const int r0 = Row(s.bbox().min_lat), r1 = Row(s.bbox().max_lat);
    for (int r = r0; r <= r1; ++r) {
      const double yc = extent_.min_lat + (r + 0.5) * cell_h_;
      s.Crossings(yc, &xs);
      std::sort(xs.begin(), xs.end());
      for (size_t k = 0; k + 1 < xs.size(); k += 2) {
        // Cells whose centre x lies in [xs[k], xs[k+1]).
        const int c0 = std::max(0, static_cast<int>(std::ceil((xs[k] - extent_.min_lon) * inv_w_ - 0.5)));
        const int c1 = std::min(nx_ - 1, static_cast<int>(std::floor((xs[k + 1] - extent_.min_lon) * inv_w_ - 0.5)));
        for (int c = c0; c <= c1; ++c) {
          const size_t cell = c + static_cast<size_t>(r) * nx_;
          if (full[cell] == kNone && !has_edges_of(cell, z)) full[cell] = z;
        }
      }
    }
  }

  // 3. Encode.
  cells_.assign(n_cells, kNone);
  lists_.clear();
  for (size_t cell = 0; cell < n_cells; ++cell) {
    const uint32_t f = full[cell];
    if (start[cell] == start[cell + 1]) {
      cells_[cell] = f;
      continue;
    }
    if (edge_zones[start[cell]] > f) {  // the covering zone comes first: no test needed
      cells_[cell] = f;
      continue;
    }
    cells_[cell] = kListBit | static_cast<uint32_t>(lists_.size());
    const size_t count_at = lists_.size();
    lists_.push_back(0);
    for (uint32_t k = start[cell]; k < start[cell + 1] && edge_zones[k] < f; ++k)
      lists_.push_back(edge_zones[k]);
    if (f != kNone) lists_.push_back(f | kListBit);
    lists_[count_at] = static_cast<uint32_t>(lists_.size() - count_at - 1);
  }
}

}  // namespace tocsin::zones::internal
