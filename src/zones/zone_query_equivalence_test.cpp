// The zone queries' shortcuts (planar distances reused near the threshold, early
// exits over the edges and along a piece, answers from the zone's box and anchor) against the reference computation (geodesic_distance.h
// *Reference): on random points and corridor pieces around real zones
// (ua-hromadas, il-areas), every within-distance answer must be the same,
// including distances picked right at the exact distance's threshold.
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "zones/catalog.h"
#include "zones/geodesic_distance.h"
#include "zones/zone_shape.h"

namespace tocsin::zones::internal {
namespace {

// The shipped catalog data/zones/<file> into *out; leaves it empty (the test
// skipped, or failed when the file does not load) when it cannot.
void LoadShipped(const std::string& file, std::optional<Catalog>* out) {
  const std::string path = std::string(TOCSIN_DATA_DIR) + "/zones/" + file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto loaded = Catalog::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << path << ": " << loaded.status().message();
  out->emplace(std::move(loaded).value());
}

// Random zone indices of a catalog and numbers in [0, 1), from one seeded source.
struct Draws {
  Draws(const Catalog& catalog, unsigned seed) : rng(seed), pick(0, catalog.zones().size() - 1) {}
  std::size_t Zone() { return pick(rng); }
  double Unit() { return unit(rng); }
  std::mt19937_64 rng;
  std::uniform_int_distribution<std::size_t> pick;
  std::uniform_real_distribution<double> unit{0, 1};
};

void CheckCatalog(const std::string& file, int zones_to_try, unsigned seed) {
  std::optional<Catalog> loaded;
  LoadShipped(file, &loaded);
  if (!loaded) return;
  const Catalog& catalog = *loaded;
  Draws draw(catalog, seed);
  const double widths[] = {0, 100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
  int within = 0, outside = 0, piece_within = 0, piece_outside = 0, mismatches = 0;
  for (int k = 0; k < zones_to_try && mismatches < 20; ++k) {
    const Zone& zone = catalog.zones()[draw.Zone()];
    ZoneShape shape(zone.geometry);
    // The anchor the catalog gives it (its radius left at +inf: no far-away bound).
    shape.SetAnchor(zone.centroid, shape.Contains(zone.centroid.lon, zone.centroid.lat), INFINITY);
    const BoxLL& box = shape.bbox();
    for (int j = 0; j < 12; ++j) {
      // A point in the zone's box grown by up to about 40 km each way.
      const double grow = 0.4 * draw.Unit();
      const LatLon p{box.min_lat - grow + draw.Unit() * (box.max_lat - box.min_lat + 2 * grow),
                     box.min_lon - grow + draw.Unit() * (box.max_lon - box.min_lon + 2 * grow)};
      const double slow = DistanceToZone(shape, p);
      std::vector<double> ds(std::begin(widths), std::end(widths));
      for (double delta : {-2.0, -0.6, -0.4, 0.0, 0.4, 0.6, 2.0, 50.0}) ds.push_back(std::max(0.0, slow + delta));
      // All the distances at once, as concentric discs ask them.
      std::vector<char> all(ds.size(), 2);
      ZoneWithinDistances(shape, p, ds, all);
      for (size_t k = 0; k < ds.size(); ++k) {
        const double d = ds[k];
        const bool f = ZoneWithinDistance(shape, p, d), s = ZoneWithinDistanceReference(shape, p, d);
        (s ? within : outside)++;
        if (f != s || all[k] != s) ++mismatches;
        EXPECT_EQ(f, s) << file << " point " << p.lat << "," << p.lon << " d " << d;
        EXPECT_EQ(all[k], s) << file << " point " << p.lat << "," << p.lon << " d " << d << " (all at once)";
      }
      // A corridor piece from p, up to 10 km long, in a random direction.
      GeodesicPiece piece;
      piece.a = p;
      piece.azimuth_at_a = 360 * draw.Unit() - 180;
      piece.length = 10e3 * draw.Unit();
      GeographicLib::Geodesic::WGS84().Direct(p.lat, p.lon, piece.azimuth_at_a, piece.length, piece.b.lat,
                                             piece.b.lon);
      std::vector<double> ws = {0, 200, 1000, 3000, 5000, 10000, 30000};
      for (double frac : {0.3, 0.7, 0.95, 1.0}) ws.push_back(std::max(0.0, slow * frac));
      for (double w : ws) {
        const bool f = PieceWithinDistance(shape, piece, w), s = PieceWithinDistanceReference(shape, piece, w);
        (s ? piece_within : piece_outside)++;
        if (f != s) ++mismatches;
        EXPECT_EQ(f, s) << file << " piece from " << p.lat << "," << p.lon << " az " << piece.azimuth_at_a
                        << " len " << piece.length << " w " << w;
      }
    }
  }
  // Both answers must have been exercised, or the comparison proves little.
  EXPECT_GT(within, 100);
  EXPECT_GT(outside, 100);
  EXPECT_GT(piece_within, 100);
  EXPECT_GT(piece_outside, 100);
}

// Catalog::ZonesWithinEach against one ZonesWithin per distance: rings of a
// danger of unknown heading (radii growing by a few km up to ~150 km), plus a 0 m
// one and the distances right at some zones' exact distance.
void CheckRings(const std::string& file, int centres, unsigned seed) {
  std::optional<Catalog> loaded;
  LoadShipped(file, &loaded);
  if (!loaded) return;
  const Catalog& catalog = *loaded;
  Draws draw(catalog, seed);
  size_t answers = 0;
  for (int c = 0; c < centres; ++c) {
    const LatLon a = catalog.zones()[draw.Zone()].centroid;
    const LatLon p{a.lat + 0.3 * (draw.Unit() - 0.5), a.lon + 0.3 * (draw.Unit() - 0.5)};
    std::vector<Metres> radii = {Metres(0)};
    for (double r = 500 + 3000 * draw.Unit(); r < 150e3; r += 2000 + 15000 * draw.Unit()) radii.push_back(Metres(r));
    for (int j = 0; j < 3; ++j) radii.push_back(catalog.DistanceTo(static_cast<ZoneIndex>(draw.Zone()), p));
    radii.push_back(Metres(-1));
    const auto all = catalog.ZonesWithinEach(p, radii);
    ASSERT_EQ(all.size(), radii.size());
    for (size_t k = 0; k < radii.size(); ++k) {
      answers += all[k].size();
      EXPECT_EQ(all[k], catalog.ZonesWithin(p, radii[k])) << file << " centre " << p.lat << "," << p.lon
                                                          << " radius " << radii[k].value();
    }
  }
  EXPECT_GT(answers, 1000u);  // the rings must reach zones, or the comparison proves little
}

TEST(ZoneQueryEquivalence, RingsAtOnceMatchOneQueryPerRingOnHromadas) { CheckRings("ua-hromadas.geojson", 40, 3); }

TEST(ZoneQueryEquivalence, RingsAtOnceMatchOneQueryPerRingOnIsraeliAreas) { CheckRings("il-areas.geojson", 40, 4); }

TEST(ZoneQueryEquivalence, ShortcutsMatchReferenceNearHromadas) { CheckCatalog("ua-hromadas.geojson", 1000, 1); }

TEST(ZoneQueryEquivalence, ShortcutsMatchReferenceNearIsraeliAreas) { CheckCatalog("il-areas.geojson", 1000, 2); }

}  // namespace
}  // namespace tocsin::zones::internal
