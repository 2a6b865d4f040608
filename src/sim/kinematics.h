// Threat kinematics: aerodynamic flight along a route, and ballistic flight (boost,
// free flight under gravity and drag, re-entry) integrated in an Earth-centred frame.
//
// Units: SI (m, s, m/s, m/s^2), degrees for angles. Times are Unix s.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "core/geo.h"
#include "core/status.h"
#include "sim/flight.h"

namespace tocsin::sim {

struct AeroParams {
  double launch_time = 0;
  double speed_mps = 50;           // cruise speed along the 3D path
  double terminal_speed_mps = 50;  // speed in the terminal dive (>= speed_mps)
  std::vector<double> leg_alt_m;   // cruise altitude per route leg; REQUIRES: size = legs
  double climb_angle_deg = 6;      // climb after launch and between legs
  double dive_angle_deg = 30;      // terminal dive onto the target
  double step_s = 5;               // time between truth points
  // Shot down after this fraction of the route length (0, 1); nullopt: reaches the target.
  std::optional<double> destroyed_at_fraction;
};

// Flies `route` (>= 2 points; geodesic legs) from the ground at the first point.
// Altitude at path length s is min(cruise altitude of the leg with ramps between legs,
// s * tan(climb), (S - s) * tan(dive)); the last point is on the ground at the target
// (or, when destroyed, where it was shot down, at its altitude there).
std::vector<TruthPoint> FlyAerodynamic(const std::vector<LatLon>& route, const AeroParams& p);

struct BallisticParams {
  double launch_time = 0;
  double apogee_m = 50000;    // aimed-for apogee; sets the launch angle atan(4 H / R)
  double burn_s = 20;         // boost duration (constant thrust along the launch direction)
  double beta_kg_m2 = 20000;  // ballistic coefficient m / (Cd A) for drag
  double launch_alt_m = 0;    // > 0 for air-launched missiles
  double step_s = 1;          // time between truth points
};

// Flies from `launch` to `target`: solves for the boost acceleration (bisection) and
// azimuth (two corrections) that put the impact within ~20 m of the target, then
// records points every step_s and the impact point on the ground (alt 0). Gravity is
// central (GM / r^2), the atmosphere exponential (1.225 kg/m^3, 7.2 km scale height);
// the Earth's rotation is neglected. Error when the target is beyond reach.
Result<std::vector<TruthPoint>> FlyBallistic(LatLon launch, LatLon target, const BallisticParams& p);

}  // namespace tocsin::sim
