// Earth-centred, Earth-fixed (ECEF, WGS84) helpers for the tracker.
//
// Frame decision: every track's state is kept in ECEF (metres, m/s). ECEF has no
// origin to re-centre, covers a whole country and a 1,700 km ballistic arc alike,
// keeps constant-velocity motion linear, and the simulator's (non-rotating) Earth
// makes it the natural frame for gravity. Each sensor gets a fixed local
// east/north/up frame (its WGS84 tangent plane, as GeographicLib::LocalCartesian
// gives) in which its measurements are expressed; a 3x3 rotation takes them to ECEF.
// Horizontal/vertical directions at a track are taken from the geodetic normal.
//
// Thread-safety: pure functions and plain data.
#pragma once

#include <Eigen/Dense>

namespace tocsin::track {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
using Vec6 = Eigen::Matrix<double, 6, 1>;
using Mat6 = Eigen::Matrix<double, 6, 6>;

struct Geodetic {
  double lat = 0.0;  // degrees
  double lon = 0.0;  // degrees
  double alt = 0.0;  // metres above the ellipsoid
};

// WGS84 geodetic -> ECEF.
Vec3 ToEcef(double lat_deg, double lon_deg, double alt_m);
// ECEF -> WGS84 geodetic (GeographicLib::Geocentric, exact).
Geodetic ToGeodetic(const Vec3& ecef);
// Rotation whose columns are the east, north and up unit vectors at (lat, lon), in
// ECEF: v_ecef = R * v_enu.
Mat3 EnuToEcef(double lat_deg, double lon_deg);
// The same rotation at an ECEF point (uses the geodetic latitude of that point).
Mat3 EnuToEcefAt(const Vec3& ecef);
// Approximate height above the ellipsoid, cheap (no iteration): |p| minus the
// ellipsoid radius at the point's geocentric latitude. Error < 30 m below 300 km.
double ApproxAltitude(const Vec3& ecef);

// A sensor's fixed local frame.
struct SensorFrame {
  Vec3 origin = Vec3::Zero();       // ECEF of the sensor
  Mat3 enu_to_ecef = Mat3::Identity();
  double lat = 0.0, lon = 0.0, alt = 0.0;
  // ENU vector from the sensor to an ECEF point.
  Vec3 ToEnu(const Vec3& ecef) const { return enu_to_ecef.transpose() * (ecef - origin); }
  Vec3 FromEnu(const Vec3& enu) const { return origin + enu_to_ecef * enu; }
};

SensorFrame MakeSensorFrame(double lat_deg, double lon_deg, double alt_m);

}  // namespace tocsin::track
