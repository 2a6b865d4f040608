// A zone catalog (../shared/spec/zones.md): the smallest areas that can be alerted
// on their own, with a spatial index for the queries the pipeline needs.
//
// Thread-safety: a loaded Catalog is immutable; every const method may be called
// from any number of threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ids.h"
#include "core/status.h"
#include "core/units.h"
#include "zones/geometry.h"

namespace tocsin::zones {

// Position of a zone in Catalog::zones(); stable for the life of the catalog.
using ZoneIndex = std::uint32_t;

struct Zone {
  ZoneId id;
  std::string name;     // local language
  std::string name_en;  // may be empty
  RegionId parent;      // may be empty: the zone is then its own region
  std::string district; // may be empty: the zone is then its own district
  Seconds shelter;      // time people need to reach shelter
  std::optional<double> population;
  MultiPolygon geometry;
  double area_km2 = 0;  // geodesic area
  LatLon centroid;      // a representative point (inside the zone when possible)
};

// One problem found while loading: where it is and what is wrong.
struct LoadProblem {
  std::string file;
  int feature_index = -1;  // -1 when the problem is not in one feature
  std::string feature_id;  // empty when unknown
  std::string reason;
  // "FILE: feature N (id X): REASON"
  std::string ToString() const;
};

struct LoadOptions {
  // false (default): any invalid feature fails the whole load.
  // true: invalid features are left out and listed in the problems.
  bool skip_invalid_features = false;
};

class Catalog {
 public:
  // Reads and validates a GeoJSON FeatureCollection and builds the index.
  // On failure the Status lists the problems found (file, feature, reason; the
  // first 20, then how many more). `problems`, if given, receives every problem
  // (also the skipped ones). Never crashes or hangs on any input.
  static Result<Catalog> LoadFile(const std::string& path, const LoadOptions& options = {},
                                  std::vector<LoadProblem>* problems = nullptr);
  // Same, from GeoJSON text; `source_name` names it in messages.
  static Result<Catalog> LoadText(const std::string& geojson, const std::string& source_name,
                                  const LoadOptions& options = {},
                                  std::vector<LoadProblem>* problems = nullptr);

  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  ~Catalog();

  const std::string& name() const;  // file stem, e.g. "ua-hromadas"
  const std::vector<Zone>& zones() const;
  const Zone& zone(ZoneIndex i) const { return zones()[i]; }
  std::optional<ZoneIndex> Find(const ZoneId& id) const;
  // True when every zone has a population (burden is then in people-hours).
  bool has_population() const;

  // --- queries; all return zone indexes in ascending order, without duplicates ---
  // The zone containing the point (holes excluded); nullopt when none.
  // Where zones overlap, the lowest index wins.
  std::optional<ZoneIndex> ZoneAt(LatLon p) const;
  // Geodesic distance from the point to the zone (0 inside it). Accurate to 1 m.
  // +infinity for an invalid point. REQUIRES: zone < zones().size().
  Metres DistanceTo(ZoneIndex zone, LatLon p) const;
  // Zones whose distance to the point is <= distance (0 m: containing zones only).
  std::vector<ZoneIndex> ZonesWithin(LatLon p, Metres distance) const;
  // ZonesWithin(p, distances[k]) for every k, in one pass over the zones: out[k] is
  // exactly what ZonesWithin(p, distances[k]) returns. Cheaper than separate calls
  // for concentric discs (the rings of a danger of unknown heading).
  std::vector<std::vector<ZoneIndex>> ZonesWithinEach(LatLon p, std::span<const Metres> distances) const;
  // Zones that intersect the polygon (touching counts).
  std::vector<ZoneIndex> ZonesTouching(const Polygon& area) const;
  // Zones that come within half_width of the polyline (a corridor around it).
  // REQUIRES: polyline.size() >= 1.
  std::vector<ZoneIndex> ZonesTouchingCorridor(std::span<const LatLon> polyline,
                                               Metres half_width) const;
  // Zones that intersect the ellipse: centre, semi-axes, and the azimuth of the
  // major axis in degrees clockwise from north. Drawn as a 72-vertex polygon just
  // outside the ellipse; an ellipse wider than 1000 km (or crossing the
  // antimeridian) is replaced by the circle of its major semi-axis (a superset).
  std::vector<ZoneIndex> ZonesTouchingEllipse(LatLon centre, Metres semi_major,
                                              Metres semi_minor, double major_azimuth_deg) const;

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Resolves a catalog given by name ("ua-hromadas") or path. A name is looked up as
// <dir>/zones/<name>.geojson in $TOCSIN_DATA_DIR, then the data dir the build was
// configured with. Returns an error naming the places searched.
Result<std::string> ResolveCatalogPath(const std::string& name_or_path);

// The catalog used when none is given.
inline constexpr const char* kDefaultCatalog = "ua-hromadas";

}  // namespace tocsin::zones
