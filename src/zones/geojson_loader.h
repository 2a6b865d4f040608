// Reading zone catalogs from GeoJSON text (internal to tocsin_zones).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "zones/catalog.h"

namespace tocsin::zones::internal {

struct ParsedZones {
  std::vector<Zone> zones;  // the valid features, in file order (area/centroid not set)
  bool fatal = false;       // the document as a whole is unusable (not JSON, ...)
};

// Parses and validates a FeatureCollection (../shared/spec/zones.md). Every
// problem found is appended to *problems (file = source); invalid features are
// left out of the result. Never throws, never crashes on any input.
ParsedZones ParseZonesGeoJson(const std::string& text, const std::string& source,
                              std::vector<LoadProblem>* problems);

// Geodesic area of a multipolygon (edges straight in lon/lat), km^2.
double GeodesicAreaKm2(const MultiPolygon& g);

}  // namespace tocsin::zones::internal
