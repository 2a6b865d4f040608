#include "sim/flight.h"

#include <algorithm>
#include <cmath>

namespace tocsin::sim {

TruthPoint Flight::At(double t) const {
  auto it = std::upper_bound(points.begin(), points.end(), t,
                             [](double v, const TruthPoint& p) { return v < p.t; });
  if (it == points.begin()) return points.front();
  if (it == points.end()) return points.back();
  const TruthPoint& b = *it;
  const TruthPoint& a = *(it - 1);
  double u = (t - a.t) / (b.t - a.t);
  return {t, a.lat + u * (b.lat - a.lat), a.lon + u * (b.lon - a.lon), a.alt + u * (b.alt - a.alt)};
}

void RoundToFile(Flight* f) {
  auto round = [](double v, double scale) { return std::round(v * scale) / scale; };
  std::vector<TruthPoint> out;
  out.reserve(f->points.size());
  for (const TruthPoint& p : f->points) {
    TruthPoint q{round(p.t, 1e3), round(p.lat, 1e7), round(p.lon, 1e7), round(p.alt, 10)};
    if (!out.empty() && q.t <= out.back().t) {
      // Keep the later position (the last point must stay where the flight ended).
      if (&p == &f->points.back()) out.back() = {out.back().t, q.lat, q.lon, q.alt};
      continue;
    }
    out.push_back(q);
  }
  f->points = std::move(out);
}

}  // namespace tocsin::sim
