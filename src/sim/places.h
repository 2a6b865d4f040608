// Named places the attack files may refer to: launch areas, cities, sea waypoints in
// Ukraine, Russia, Israel, Gaza, Iran, Yemen and around. Approximate public
// coordinates (city centres, airbases, launch areas), WGS84 degrees.
// Thread-safety: the table is immutable.
#pragma once

#include <map>
#include <string>

#include "core/geo.h"

namespace tocsin::sim {

const std::map<std::string, LatLon>& BuiltinPlaces();

}  // namespace tocsin::sim
