// Motion models (the predictor step) on an ECEF state x = (position, velocity):
//   kCv        constant velocity, low white-acceleration noise (horizontal/vertical);
//   kCtLeft/Right  coordinated turn at a fixed +/- turn rate about the local vertical
//              (vertical velocity kept), low noise;
//   kManeuver  constant velocity with high noise (dives, climbs, speed changes);
//   kBallistic central gravity (GM/r^2) + exponential-atmosphere drag, RK4 mean,
//              linearised covariance with the gravity gradient;
//   kBoost     ballistic mean with a high noise (boost phase, unmodelled thrust).
// Thread-safety: pure functions.
#pragma once

#include "track/ecef.h"
#include "track/tracker_config.h"

namespace tocsin::track {

enum class MotionModel { kCv, kCtLeft, kCtRight, kManeuver, kBallistic, kBoost };

struct MotionParams {
  double q_horizontal = 0.0;  // m^2/s^3
  double q_vertical = 0.0;
  double turn_rate = 0.0;     // rad/s about the local up (positive: counter-clockwise seen from above)
  bool gravity = false;
  double ballistic_coefficient = 20000.0;  // kg/m^2; <= 0: no drag
};

MotionParams ParamsFor(MotionModel m, const TrackerConfig& c);

// Propagates x and P by dt seconds (dt may be negative: retrodiction for a report
// that arrived out of order; the noise then uses |dt|).
// `enu_to_ecef` (may be null): EnuToEcefAt(position) if the caller already has it.
void PredictState(const MotionParams& mp, double dt, Vec6* x, Mat6* P, const Mat3* enu_to_ecef = nullptr);

// Gravity + drag acceleration at an ECEF state (m/s^2).
Vec3 BallisticAcceleration(const Vec3& p, const Vec3& v, double ballistic_coefficient);

}  // namespace tocsin::track
