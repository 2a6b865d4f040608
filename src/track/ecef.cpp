#include "track/ecef.h"

#include <GeographicLib/Geocentric.hpp>
#include <cmath>

namespace tocsin::track {
namespace {
constexpr double kDeg = M_PI / 180.0;
const GeographicLib::Geocentric& Earth() { return GeographicLib::Geocentric::WGS84(); }
}  // namespace

Vec3 ToEcef(double lat_deg, double lon_deg, double alt_m) {
  Vec3 p;
  Earth().Forward(lat_deg, lon_deg, alt_m, p.x(), p.y(), p.z());
  return p;
}

Geodetic ToGeodetic(const Vec3& ecef) {
  Geodetic g;
  Earth().Reverse(ecef.x(), ecef.y(), ecef.z(), g.lat, g.lon, g.alt);
  return g;
}

Mat3 EnuToEcef(double lat_deg, double lon_deg) {
  const double sp = std::sin(lat_deg * kDeg), cp = std::cos(lat_deg * kDeg);
  const double sl = std::sin(lon_deg * kDeg), cl = std::cos(lon_deg * kDeg);
  Mat3 r;
  r << -sl, -sp * cl, cp * cl,  //
      cl, -sp * sl, cp * sl,    //
      0.0, cp, sp;
  return r;
}

Mat3 EnuToEcefAt(const Vec3& p) {
  // Geodetic latitude from the geocentric one (first-order formula, plenty for
  // directions): tan(phi) = z / (rho (1 - e^2)). No trigonometric calls.
  constexpr double kE2 = 6.69437999014e-3;
  const double rho = std::sqrt(p.x() * p.x() + p.y() * p.y());
  if (rho < 1e-3) return EnuToEcef(p.z() >= 0 ? 90.0 : -90.0, 0.0);
  const double cl = p.x() / rho, sl = p.y() / rho;
  const double a = rho * (1.0 - kE2);
  const double d = std::sqrt(a * a + p.z() * p.z());
  const double cp = a / d, sp = p.z() / d;
  Mat3 r;
  r << -sl, -sp * cl, cp * cl,  //
      cl, -sp * sl, cp * sl,    //
      0.0, cp, sp;
  return r;
}

double ApproxAltitude(const Vec3& p) {
  constexpr double kA = 6378137.0, kB = 6356752.314245;
  const double r = p.norm();
  if (r < 1.0) return -kA;
  const double s = p.z() / r;  // sin of geocentric latitude
  const double c2 = 1.0 - s * s;
  // Radius of the ellipse at geocentric latitude psi.
  const double re = kA * kB / std::sqrt(kB * kB * c2 + kA * kA * s * s);
  return r - re;
}

SensorFrame MakeSensorFrame(double lat_deg, double lon_deg, double alt_m) {
  SensorFrame f;
  f.origin = ToEcef(lat_deg, lon_deg, alt_m);
  f.enu_to_ecef = EnuToEcef(lat_deg, lon_deg);
  f.lat = lat_deg;
  f.lon = lon_deg;
  f.alt = alt_m;
  return f;
}

}  // namespace tocsin::track
