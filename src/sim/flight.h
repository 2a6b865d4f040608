// A simulated threat's flight: the truth, as written to truth.json (scenario.md).
// Position between two points is linear in time in lat, lon and altitude, and the
// simulated sensors observe exactly that interpolation.
//
// Thread-safety: plain data; const methods are safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/category.h"

namespace tocsin::sim {

struct TruthPoint {
  double t = 0;    // Unix s
  double lat = 0;  // degrees
  double lon = 0;  // degrees
  double alt = 0;  // metres above the ellipsoid
};

struct Flight {
  std::string id;     // "D0001", unique in a scenario
  ThreatCategory kind = ThreatCategory::kDrone;
  std::string model;  // weapon-profiles model_key
  std::vector<TruthPoint> points;  // >= 2, times strictly increasing
  bool destroyed = false;          // end "destroyed" (else "impact")
  std::optional<double> first_seen;

  double start() const { return points.front().t; }
  double end() const { return points.back().t; }
  // Interpolated position. REQUIRES: start() <= t <= end().
  TruthPoint At(double t) const;
};

// Rounds every point to what truth.json holds (time 1 ms, lat/lon 1e-7 degree,
// altitude 0.1 m) and drops points whose rounded time repeats, so that sensors see
// exactly the written truth.
void RoundToFile(Flight* f);

}  // namespace tocsin::sim
