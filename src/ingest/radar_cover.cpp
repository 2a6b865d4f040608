#include "ingest/radar_cover.h"

#include <algorithm>
#include <cmath>

#include <GeographicLib/LocalCartesian.hpp>

namespace tocsin::ingest {
namespace {
constexpr double kEarthRadius = 6371000.0;
constexpr double kDeg = 3.14159265358979323846 / 180.0;
}  // namespace

double HorizonDipDeg(double radar_alt_m) {
  const double re = kEarthRadius * 4.0 / 3.0;
  return std::acos(re / (re + std::max(0.0, radar_alt_m))) / kDeg;
}

double ApparentElevationDeg(double east, double north, double up, double radar_alt_m) {
  const double horiz = std::hypot(east, north);
  const double center_to_radar = kEarthRadius + radar_alt_m;
  const double theta = std::atan2(horiz, center_to_radar + up);  // central angle
  const double target_alt = std::hypot(horiz, center_to_radar + up) - kEarthRadius;
  const double re = kEarthRadius * 4.0 / 3.0;
  const double theta_eff = theta * kEarthRadius / re;  // same ground distance on the bigger earth
  const double x = (re + target_alt) * std::sin(theta_eff);
  const double y = (re + target_alt) * std::cos(theta_eff) - (re + radar_alt_m);
  return std::atan2(y, x) / kDeg;
}

bool RadarCovers(const SensorDescription& radar, LatLon p, double alt_m) {
  if (radar.type != SensorType::kRadar || !radar.position) return false;
  if (GeodesicDistance(*radar.position, p).value() > radar.max_range_m) return false;
  const GeographicLib::LocalCartesian lc(radar.position->lat, radar.position->lon, radar.alt_m);
  double e = 0, n = 0, u = 0;
  lc.Forward(p.lat, p.lon, alt_m, e, n, u);
  if (std::hypot(std::hypot(e, n), u) > radar.max_range_m) return false;
  const double floor_deg = std::max(radar.min_elevation_deg, -HorizonDipDeg(radar.alt_m));
  return ApparentElevationDeg(e, n, u, radar.alt_m) >= floor_deg;
}

}  // namespace tocsin::ingest
