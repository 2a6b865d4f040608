// Small hand-built catalogs for the alert tests: square zones in lon/lat.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zones/catalog.h"

namespace tocsin::alert::testing {

struct SquareZone {
  std::string id;
  double lat;   // south edge
  double lon;   // west edge
  double size;  // degrees
  std::string parent;
  double shelter_s = 90;
};

inline std::string SquareCatalogJson(const std::vector<SquareZone>& zs) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const auto& z = zs[i];
    auto pt = [](double lon, double lat) { return "[" + std::to_string(lon) + "," + std::to_string(lat) + "]"; };
    const double w = z.lon, e = z.lon + z.size, s = z.lat, n = z.lat + z.size;
    out += std::string(i ? "," : "") + R"({"type":"Feature","properties":{"id":")" + z.id + R"(","name":")" + z.id +
           "\"" + (z.parent.empty() ? "" : R"(,"parent":")" + z.parent + "\"") +
           R"(,"shelter_s":)" + std::to_string(z.shelter_s) + R"(,"population":1000},"geometry":{"type":"Polygon","coordinates":[[)" +
           pt(w, s) + "," + pt(e, s) + "," + pt(e, n) + "," + pt(w, n) + "," + pt(w, s) + "]]}}";
  }
  return out + "]}";
}

// A row of `n` zones "Z0".."Z<n-1>" of 0.1 x 0.1 degrees at lat 48, from lon 30
// eastwards; zones i belong to region "R<i / per_region>".
inline std::vector<SquareZone> RowZones(int n, int per_region, double shelter_s = 90, double lat = 48.0,
                                        const std::string& prefix = "Z") {
  std::vector<SquareZone> zs;
  for (int i = 0; i < n; ++i)
    zs.push_back({prefix + std::to_string(i), lat, 30.0 + 0.1 * i, 0.1, "R" + std::to_string(i / per_region), shelter_s});
  return zs;
}

inline zones::Catalog LoadOrDie(const std::vector<SquareZone>& zs) {
  auto c = zones::Catalog::LoadText(SquareCatalogJson(zs), "test-squares");
  if (!c.ok()) {
    ADD_FAILURE() << c.status().message();
    std::abort();
  }
  return std::move(c).value();
}

// Centre of the square zone i of RowZones.
inline LatLon RowCentre(int i, double lat = 48.0) { return {lat + 0.05, 30.0 + 0.1 * i + 0.05}; }

}  // namespace tocsin::alert::testing
