// Geographic primitives on the WGS84 ellipsoid (GeographicLib).
// Latitude/longitude in decimal degrees, altitude in metres above the ellipsoid,
// azimuths in degrees clockwise from true north. Thread-safe: pure functions.
#pragma once

#include "core/units.h"

namespace tocsin {

struct LatLon {
  double lat = 0.0;  // degrees, [-90, 90]
  double lon = 0.0;  // degrees, [-180, 180]
  friend bool operator==(const LatLon&, const LatLon&) = default;
};

// True when lat is in [-90, 90] and lon in [-180, 180] and both are finite.
bool IsValidLatLon(double lat, double lon);

// Geodesic (shortest path on the ellipsoid) distance between two points.
Metres GeodesicDistance(LatLon a, LatLon b);

// Initial azimuth of the geodesic from a to b, degrees in [0, 360).
double GeodesicAzimuth(LatLon a, LatLon b);

// The point reached by going `distance` from `from` along initial azimuth `azimuth_deg`.
LatLon GeodesicDestination(LatLon from, double azimuth_deg, Metres distance);

// A local east/north tangent plane around an origin, for small areas (tens of km):
// x east, y north, metres. Uses the ellipsoid's meridional and normal radii at the
// origin, so its error grows with the square of the distance from it (about 14 m at
// 20 km at 49 N, 0.07%). Cheap: two multiplications per point.
class LocalTangentPlane {
 public:
  explicit LocalTangentPlane(LatLon origin);
  LatLon origin() const { return origin_; }
  // Projects a point; REQUIRES: within a few hundred km of the origin.
  void Forward(LatLon p, double* x, double* y) const {
    *x = (p.lon - origin_.lon) * m_per_deg_lon_;
    *y = (p.lat - origin_.lat) * m_per_deg_lat_;
  }
  LatLon Reverse(double x, double y) const {
    return {origin_.lat + y / m_per_deg_lat_, origin_.lon + x / m_per_deg_lon_};
  }
  double metres_per_degree_lat() const { return m_per_deg_lat_; }
  double metres_per_degree_lon() const { return m_per_deg_lon_; }

 private:
  LatLon origin_;
  double m_per_deg_lat_;
  double m_per_deg_lon_;
};

}  // namespace tocsin
