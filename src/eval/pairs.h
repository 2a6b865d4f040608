// The (zone, threat) pairs of a scenario (../shared/spec/scenario.md, "Which zones a
// threat endangers") with their arrival and leaving times.
//
// Thread-safety: pure functions over immutable inputs.
#pragma once

#include <cstddef>
#include <vector>

#include "core/units.h"
#include "eval/truth.h"
#include "zones/catalog.h"

namespace tocsin::eval {

// How close the ground point must come to a zone to endanger it.
inline constexpr Metres kDangerDistance{2000.0};

struct Pair {
  zones::ZoneIndex zone = 0;
  std::size_t threat = 0;  // index into Truth::threats
  double t_a = 0;          // arrival: first moment within kDangerDistance (Unix s)
  double t_l = 0;          // leaving: last such moment; t_l >= t_a
};

// How t_a and t_l are found for drones, cruise missiles and aircraft.
enum class CrossingMethod {
  // The spec's definition: the exact first and last moments the ground track (linear
  // in time in lat and lon between points) is within kDangerDistance, to within
  // kCrossingTolerance, by branch and bound on Catalog::DistanceTo along each segment
  // (distance changes at most as fast as the point moves, which bounds where a
  // crossing can be).
  kExact,
  // What the generator of spec/example evidently did: test only the points and the
  // midpoint of each segment; t_a and t_l are the first and last such samples within
  // kDangerDistance. Up to half a segment late (early for t_l), and blind to a zone
  // the track only grazes between samples. Reproduces expected-score.json exactly.
  kMidpointSamples,
};

// Every pair of the truth on the catalog, sorted by (threat, zone), found in parallel
// over threats. drone, cruise_missile, aircraft: zones the ground track comes within
// kDangerDistance of (candidates from Catalog::ZonesTouchingCorridor), with t_a and
// t_l per `method`. ballistic_missile, rocket: zones within kDangerDistance of the
// last point, t_a = t_l = its time.
std::vector<Pair> FindPairs(const Truth& truth, const zones::Catalog& catalog,
                            CrossingMethod method = CrossingMethod::kExact);

// Same for one threat (`threat_index` is stored in each pair), sorted by zone.
std::vector<Pair> FindThreatPairs(const TruthThreat& threat, std::size_t threat_index,
                                  const zones::Catalog& catalog,
                                  CrossingMethod method = CrossingMethod::kExact);

inline constexpr double kCrossingTolerance = 1e-4;  // seconds

}  // namespace tocsin::eval
