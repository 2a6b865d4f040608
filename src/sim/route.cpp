#include "sim/route.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <algorithm>

namespace tocsin::sim {
namespace {

const GeographicLib::Geodesic& Wgs84() { return GeographicLib::Geodesic::WGS84(); }

// Point at `fraction` of the geodesic a->b, shifted sideways by `offset_m` (right > 0).
LatLon AlongWithOffset(LatLon a, LatLon b, double fraction, double offset_m) {
  double s12 = 0, azi1 = 0, azi2 = 0;
  Wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, s12, azi1, azi2);
  GeographicLib::GeodesicLine line = Wgs84().InverseLine(a.lat, a.lon, b.lat, b.lon);
  double lat = 0, lon = 0, azi = 0;
  line.Position(fraction * s12, lat, lon, azi);
  if (offset_m == 0) return {lat, lon};
  return GeodesicDestination({lat, lon}, azi + 90.0, Metres(offset_m));
}

// If the leg a->b passes within an area, the detour point that bends it around; else
// nothing. Checks 32 samples along the leg.
bool Detour(LatLon a, LatLon b, const AvoidArea& area, LatLon* detour) {
  double best = 1e18;
  LatLon closest{};
  for (int i = 1; i < 32; ++i) {
    LatLon p = AlongWithOffset(a, b, i / 32.0, 0);
    double d = GeodesicDistance(p, area.center).value();
    if (d < best) {
      best = d;
      closest = p;
    }
  }
  if (best >= area.radius_m) return false;
  double azimuth = best < 1.0 ? GeodesicAzimuth(a, b) + 90.0 : GeodesicAzimuth(area.center, closest);
  *detour = GeodesicDestination(area.center, azimuth, Metres(1.3 * area.radius_m));
  return true;
}

}  // namespace

std::vector<LatLon> PlanRoute(LatLon launch, const std::vector<LatLon>& via, LatLon target,
                              const RouteStyle& style, const std::vector<AvoidArea>& avoid,
                              std::mt19937_64& rng) {
  std::vector<LatLon> fixed;
  fixed.push_back(launch);
  fixed.insert(fixed.end(), via.begin(), via.end());
  fixed.push_back(target);

  std::vector<LatLon> route{launch};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i + 1 < fixed.size(); ++i) {
    LatLon a = fixed[i], b = fixed[i + 1];
    double length = GeodesicDistance(a, b).value();
    for (int k = 1; k <= style.turns; ++k) {
      double fraction = (k + (unit(rng) - 0.5) * 0.5) / (style.turns + 1);
      double max_offset = std::min(style.max_offset_m, 0.3 * length);
      double offset = (2 * unit(rng) - 1) * max_offset;
      route.push_back(AlongWithOffset(a, b, fraction, offset));
    }
    route.push_back(b);
  }

  for (int pass = 0; pass < 3; ++pass) {
    bool changed = false;
    for (const AvoidArea& area : avoid) {
      if (GeodesicDistance(launch, area.center).value() < area.radius_m ||
          GeodesicDistance(target, area.center).value() < area.radius_m)
        continue;
      for (std::size_t i = 0; i + 1 < route.size(); ++i) {
        LatLon detour;
        if (Detour(route[i], route[i + 1], area, &detour)) {
          route.insert(route.begin() + static_cast<long>(i) + 1, detour);
          changed = true;
          ++i;
        }
      }
    }
    if (!changed) break;
  }
  return route;
}

}  // namespace tocsin::sim
