#include "core/geo.h"

#include <GeographicLib/Geodesic.hpp>
#include <cmath>

namespace tocsin {

bool IsValidLatLon(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && lat >= -90.0 && lat <= 90.0 &&
         lon >= -180.0 && lon <= 180.0;
}

Metres GeodesicDistance(LatLon a, LatLon b) {
  double s12 = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, s12);
  return Metres(s12);
}

double GeodesicAzimuth(LatLon a, LatLon b) {
  double azi1 = 0.0, azi2 = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(a.lat, a.lon, b.lat, b.lon, azi1, azi2);
  return azi1 < 0 ? azi1 + 360.0 : azi1;
}

LatLon GeodesicDestination(LatLon from, double azimuth_deg, Metres distance) {
  LatLon out;
  GeographicLib::Geodesic::WGS84().Direct(from.lat, from.lon, azimuth_deg, distance.value(),
                                          out.lat, out.lon);
  return out;
}

LocalTangentPlane::LocalTangentPlane(LatLon origin) : origin_(origin) {
  const auto& g = GeographicLib::Geodesic::WGS84();
  const double a = g.EquatorialRadius();
  const double f = g.Flattening();
  const double e2 = f * (2 - f);
  const double phi = origin.lat * M_PI / 180.0;
  const double s = std::sin(phi);
  const double w = std::sqrt(1 - e2 * s * s);
  const double n = a / w;                      // prime vertical radius
  const double m = a * (1 - e2) / (w * w * w);  // meridional radius
  m_per_deg_lat_ = m * M_PI / 180.0;
  m_per_deg_lon_ = n * std::cos(phi) * M_PI / 180.0;
}

}  // namespace tocsin
