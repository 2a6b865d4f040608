// Small hand-made catalogs for the eval tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zones/catalog.h"

namespace tocsin::eval::testing {

// GeoJSON coordinates of a square ring: [lon, lat] from (lat0, lon0), side `deg` degrees.
inline std::string SquareRing(double lat0, double lon0, double deg) {
  auto v = [](double lat, double lon) {
    return "[" + std::to_string(lon) + "," + std::to_string(lat) + "]";
  };
  return "[" + v(lat0, lon0) + "," + v(lat0, lon0 + deg) + "," + v(lat0 + deg, lon0 + deg) + "," +
         v(lat0 + deg, lon0) + "," + v(lat0, lon0) + "]";
}

// One feature; `geometry` is a GeoJSON geometry object, `extra` more properties
// (",\"parent\":\"R1\"" ...).
inline std::string Feature(const std::string& id, const std::string& geometry, const std::string& extra) {
  return "{\"type\":\"Feature\",\"geometry\":" + geometry + ",\"properties\":{\"id\":\"" + id +
         "\",\"name\":\"" + id + "\",\"shelter_s\":90" + extra + "}}";
}

inline std::string SquareFeature(const std::string& id, double lat0, double lon0, double deg,
                                 const std::string& extra) {
  return Feature(id, "{\"type\":\"Polygon\",\"coordinates\":[" + SquareRing(lat0, lon0, deg) + "]}", extra);
}

inline zones::Catalog LoadCatalog(const std::vector<std::string>& features) {
  std::string text = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (std::size_t i = 0; i < features.size(); ++i) text += (i ? "," : "") + features[i];
  text += "]}";
  auto catalog = zones::Catalog::LoadText(text, "test-zones");
  if (!catalog.ok()) {
    ADD_FAILURE() << catalog.status().message();
    std::abort();
  }
  return std::move(catalog).value();
}

// Metres per degree of longitude on the equator (WGS84: a * pi / 180).
inline constexpr double kMetresPerDegreeOnEquator = 6378137.0 * 3.14159265358979323846 / 180.0;

}  // namespace tocsin::eval::testing
