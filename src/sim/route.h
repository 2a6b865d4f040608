// Route planning for aerodynamic threats (drones, cruise missiles): waypoints from the
// launch point through optional fixed "via" points to the target, random dog-legs, and
// detours around defended areas.
//
// Thread-safety: pure functions of their arguments (the RNG is the caller's).
#pragma once

#include <random>
#include <vector>

#include "core/geo.h"

namespace tocsin::sim {

struct AvoidArea {
  LatLon center;
  double radius_m = 0;
};

struct RouteStyle {
  int turns = 0;              // random turning points inserted on each leg
  double max_offset_m = 0;    // their largest sideways offset from the leg
};

// Returns launch, [via...], target with turning points and detours inserted.
// A route leg that passes within an avoid area's radius is bent around it (the
// detour point lies 1.3 radii from the centre on the side the leg passed). Areas
// that contain the launch point or the target are not avoided.
std::vector<LatLon> PlanRoute(LatLon launch, const std::vector<LatLon>& via, LatLon target,
                              const RouteStyle& style, const std::vector<AvoidArea>& avoid,
                              std::mt19937_64& rng);

}  // namespace tocsin::sim
