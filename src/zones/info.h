// Entry points of `tocsin zones info` and `tocsin zones lookup`.
// Thread-safety: each call is independent; output goes only to the given streams.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "zones/catalog.h"

namespace tocsin::zones {

struct ZonesInfoConfig {
  std::string zones = kDefaultCatalog;  // catalog name or path
};

// Prints a summary of the catalog: name, zones, regions, districts, population,
// area, shelter_s distribution, bounding box, load time. Returns the exit code
// (0 ok, 1 the catalog cannot be found or loaded; the reason goes to err).
int RunZonesInfo(const ZonesInfoConfig& config, std::ostream& out, std::ostream& err);

struct ZonesLookupConfig {
  std::string zones = kDefaultCatalog;
  double lat = 0, lon = 0;              // degrees
  std::optional<double> within_m;       // also list zones within this distance
  bool json = false;                    // JSON instead of text
};

// Prints the zone containing the point and, with within_m, every zone within
// that distance with its distance. Exit code 0 ok (also when no zone contains the
// point), 1 bad catalog, 2 bad coordinates or distance.
int RunZonesLookup(const ZonesLookupConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::zones
