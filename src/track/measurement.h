// Measurement models: how each report kind is expressed against an ECEF track
// state, and how it starts a track.
//
//   radar 3D plot  -> converted measurement: ECEF position + covariance (linear update);
//   radar 2D plot  -> slant range + azimuth, EKF (altitude stays unobserved);
//   bearing        -> azimuth (+ elevation when reported), EKF bearing-only update;
//   observer       -> horizontal position (east/north at the reported point), linear;
//                     with a reported altitude, a 3D position.
//
// Angles are radians inside the tracker. Thread-safety: pure functions, plain data.
#pragma once

#include <optional>

#include "track/ecef.h"

namespace tocsin::track {

enum class MeasurementKind { kPosition3d, kRangeAzimuth, kBearing, kHorizontalPosition, kAltitude };

struct Measurement {
  MeasurementKind kind = MeasurementKind::kPosition3d;
  double time = 0.0;   // Unix s
  int sensor = -1;     // index in the sensor list
  int dim = 3;         // measured components (1..3)
  // kPosition3d: z = ECEF position, R its covariance.
  // kRangeAzimuth: z = (slant range m, azimuth rad, -), R = diag(sr^2, saz^2, 1).
  // kBearing: z = (azimuth rad, elevation rad or -), R diag.
  // kHorizontalPosition: z = ECEF of the reported point (on the ellipsoid),
  //   R = diag(s^2, s^2, -) in the point's east/north.
  // kAltitude: a pseudo-measurement (altitude prior for tracks no sensor measures the
  //   altitude of): z(0) = altitude (m) along frame's up, frame = the point below the
  //   track on the ellipsoid; R(0,0) its variance.
  Vec3 z = Vec3::Zero();
  Mat3 R = Mat3::Identity();
  // Sensor frame (radar, bearing) or the reported point's frame (observer).
  SensorFrame frame;
};

// The measurement linearised at a state: innovation y = z - h(x) (angles wrapped),
// Jacobian H = dh/dx; rows past `dim` are zero with y = 0 and R = 1 (no effect).
struct Linearized {
  int dim = 3;
  Vec3 y = Vec3::Zero();
  Eigen::Matrix<double, 3, 6> H = Eigen::Matrix<double, 3, 6>::Zero();
  Mat3 R = Mat3::Identity();
};

Linearized Linearize(const Measurement& m, const Vec6& x);

// Radar plot (slant range m, azimuth and geometric elevation in degrees, in the
// sensor's WGS84 local frame) -> ECEF position and covariance (first-order
// conversion; the bias is negligible for sigma_az * range << range).
void ConvertPlot(const SensorFrame& f, double range_m, double az_deg, double el_deg, double sigma_range_m,
                 double sigma_az_deg, double sigma_el_deg, Vec3* ecef, Mat3* cov);

// Elevation (degrees) at which a plot at `range_m` lies at altitude `alt_m` above the
// ellipsoid (spherical-earth approximation, good to metres for ranges < 400 km).
double ElevationForAltitude(const SensorFrame& f, double range_m, double alt_m);

// A point where two horizontal lines of bearing cross, at altitude `alt_m`, with a
// horizontal covariance from the geometry. nullopt when the lines are nearly parallel
// (< 10 degrees apart) or cross behind either sensor or farther than `max_range_m`.
struct Crossing {
  Vec3 ecef;
  Mat3 cov;
};
std::optional<Crossing> Triangulate(const SensorFrame& a, double az_a_deg, double sigma_a_deg,
                                    const SensorFrame& b, double az_b_deg, double sigma_b_deg, double alt_m,
                                    double alt_sigma_m, double max_range_m);

}  // namespace tocsin::track
