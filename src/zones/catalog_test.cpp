// Hand-built catalogs with hand-worked answers.
#include "zones/catalog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>

#include "core/geo.h"

namespace tocsin::zones {
namespace {

// A square ring [lon0, lon1] x [lat0, lat1] as GeoJSON coordinates.
std::string Square(double lon0, double lat0, double lon1, double lat1) {
  auto p = [](double lon, double lat) { return "[" + std::to_string(lon) + "," + std::to_string(lat) + "]"; };
  return "[" + p(lon0, lat0) + "," + p(lon1, lat0) + "," + p(lon1, lat1) + "," + p(lon0, lat1) + "," +
         p(lon0, lat0) + "]";
}

std::string Feature(const std::string& id, const std::string& geometry, const std::string& extra = "") {
  return R"({"type":"Feature","properties":{"id":")" + id + R"(","name":"Zone )" + id +
         R"(","shelter_s":60)" + extra + R"(},"geometry":)" + geometry + "}";
}

std::string Collection(const std::vector<std::string>& features) {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (size_t i = 0; i < features.size(); ++i) s += (i ? "," : "") + features[i];
  return s + "]}";
}

std::string PolygonGeom(const std::vector<std::string>& rings) {
  std::string s = R"({"type":"Polygon","coordinates":[)";
  for (size_t i = 0; i < rings.size(); ++i) s += (i ? "," : "") + rings[i];
  return s + "]}";
}

// Three zones near (50N, 30E):
//  A: [30.0, 30.1] x [50.0, 50.1] with a hole [30.04, 30.06] x [50.04, 50.06]
//  B: [30.1, 30.2] x [50.0, 50.1] (shares A's east edge)
//  C: a MultiPolygon of [30.3, 30.35] x [50.0, 50.05] and [30.4, 30.45] x [50.0, 50.05]
//  H: the hole of A as its own zone
Catalog TestCatalog() {
  const std::string text = Collection({
      Feature("A", PolygonGeom({Square(30.0, 50.0, 30.1, 50.1), Square(30.04, 50.04, 30.06, 50.06)}),
              R"(,"population":1000,"parent":"R1","district":"D1","name_en":"Zone A")"),
      Feature("B", PolygonGeom({Square(30.1, 50.0, 30.2, 50.1)}), R"(,"population":500,"parent":"R1")"),
      Feature("C", R"({"type":"MultiPolygon","coordinates":[[)" + Square(30.3, 50.0, 30.35, 50.05) +
                       "],[" + Square(30.4, 50.0, 30.45, 50.05) + "]]}",
              R"(,"population":10)"),
      Feature("H", PolygonGeom({Square(30.04, 50.04, 30.06, 50.06)}), R"(,"population":1)"),
  });
  auto cat = Catalog::LoadText(text, "test.geojson");
  EXPECT_TRUE(cat.ok()) << cat.status().message();
  return std::move(cat).value();
}

TEST(CatalogTest, LoadsPropertiesAndAreas) {
  Catalog c = TestCatalog();
  EXPECT_EQ(c.name(), "test");
  ASSERT_EQ(c.zones().size(), 4u);
  EXPECT_TRUE(c.has_population());
  const Zone& a = c.zone(0);
  EXPECT_EQ(a.id.str(), "A");
  EXPECT_EQ(a.name, "Zone A");
  EXPECT_EQ(a.name_en, "Zone A");
  EXPECT_EQ(a.parent.str(), "R1");
  EXPECT_EQ(a.district, "D1");
  EXPECT_EQ(a.shelter.value(), 60);
  EXPECT_EQ(*a.population, 1000);
  EXPECT_EQ(c.zone(1).district, "");
  ASSERT_EQ(a.geometry.size(), 1u);
  EXPECT_EQ(a.geometry[0].holes.size(), 1u);
  EXPECT_EQ(c.zone(2).geometry.size(), 2u);
  // 0.1 deg x 0.1 deg at 50N: 11.13 km (lat) x 7.16 km (lon) = 79.7 km2, minus the
  // hole (0.02 x 0.02 deg = 3.19 km2).
  EXPECT_NEAR(a.area_km2, 79.7 - 3.19, 0.3);
  EXPECT_NEAR(c.zone(3).area_km2, 3.19, 0.02);
  // The representative point of A is inside A (its centroid is in the hole).
  EXPECT_EQ(c.ZoneAt(a.centroid), std::optional<ZoneIndex>(0));
  EXPECT_EQ(c.Find(ZoneId("C")), std::optional<ZoneIndex>(2));
  EXPECT_EQ(c.Find(ZoneId("nope")), std::nullopt);
}

TEST(CatalogTest, ZoneAtRespectsHolesAndMultiPolygons) {
  Catalog c = TestCatalog();
  EXPECT_EQ(c.ZoneAt({50.02, 30.02}), std::optional<ZoneIndex>(0));
  EXPECT_EQ(c.ZoneAt({50.05, 30.05}), std::optional<ZoneIndex>(3));  // in A's hole: H
  EXPECT_EQ(c.ZoneAt({50.05, 30.15}), std::optional<ZoneIndex>(1));
  EXPECT_EQ(c.ZoneAt({50.02, 30.32}), std::optional<ZoneIndex>(2));
  EXPECT_EQ(c.ZoneAt({50.02, 30.42}), std::optional<ZoneIndex>(2));
  EXPECT_EQ(c.ZoneAt({50.02, 30.38}), std::nullopt);  // between C's parts
  EXPECT_EQ(c.ZoneAt({50.2, 30.05}), std::nullopt);
  EXPECT_EQ(c.ZoneAt({10, 10}), std::nullopt);
  EXPECT_EQ(c.ZoneAt({NAN, 30.05}), std::nullopt);
  EXPECT_EQ(c.ZoneAt({95, 30.05}), std::nullopt);
}

TEST(CatalogTest, ZoneAtMatchesBruteForceOnAGrid) {
  Catalog c = TestCatalog();
  for (double lat = 49.99; lat <= 50.11; lat += 0.0007)
    for (double lon = 29.99; lon <= 30.46; lon += 0.0011) {
      std::optional<ZoneIndex> expect;
      auto in_sq = [&](double lon0, double lat0, double lon1, double lat1) {
        return lon > lon0 && lon < lon1 && lat > lat0 && lat < lat1;
      };
      if (in_sq(30.04, 50.04, 30.06, 50.06)) expect = 3;
      else if (in_sq(30.0, 50.0, 30.1, 50.1)) expect = 0;
      else if (in_sq(30.1, 50.0, 30.2, 50.1)) expect = 1;
      else if (in_sq(30.3, 50.0, 30.35, 50.05) || in_sq(30.4, 50.0, 30.45, 50.05)) expect = 2;
      EXPECT_EQ(c.ZoneAt({lat, lon}), expect) << lat << "," << lon;
    }
}

TEST(CatalogTest, SharedEdgesLeaveNoGaps) {
  // Points exactly on the edge A and B share (lon 30.1), and on its end vertices:
  // the half-open crossing rule puts each in exactly one zone, never in none.
  Catalog c = TestCatalog();
  for (double lat = 50.0005; lat < 50.1; lat += 0.001) {
    const auto z = c.ZoneAt({lat, 30.1});
    ASSERT_TRUE(z.has_value()) << lat;
    EXPECT_TRUE(*z == 0 || *z == 1);
  }
  // The hole boundary belongs to A or H, never to none.
  for (double lon = 30.0405; lon < 30.06; lon += 0.001) EXPECT_TRUE(c.ZoneAt({50.04, lon}).has_value()) << lon;
}

TEST(CatalogTest, LoadFileErrorsNameThePath) {
  auto dir = Catalog::LoadFile("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("/tmp"), std::string::npos);
}

TEST(CatalogTest, OverlappingZonesLowestIndexWins) {
  const std::string text = Collection({Feature("BIG", PolygonGeom({Square(30.0, 50.0, 31.0, 51.0)})),
                                       Feature("SMALL", PolygonGeom({Square(30.4, 50.4, 30.6, 50.6)}))});
  auto c = Catalog::LoadText(text, "overlap");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ZoneAt({50.5, 30.5}), std::optional<ZoneIndex>(0));
  EXPECT_EQ(c->ZonesWithin({50.5, 30.5}, Metres(0)), (std::vector<ZoneIndex>{0, 1}));
  EXPECT_FALSE(c->has_population());
}

TEST(CatalogTest, DistanceToIsGeodesic) {
  Catalog c = TestCatalog();
  EXPECT_EQ(c.DistanceTo(0, {50.02, 30.02}).value(), 0);
  // Due south of B's south edge by 0.01 deg: the nearest point is straight north.
  const LatLon p{49.99, 30.15};
  EXPECT_NEAR(c.DistanceTo(1, p).value(), GeodesicDistance(p, {50.0, 30.15}).value(), 1.0);
  // In A's hole: distance to A is the distance to the hole's boundary (0.005 deg west).
  const LatLon q{50.05, 30.045};
  EXPECT_NEAR(c.DistanceTo(0, q).value(), GeodesicDistance(q, {50.05, 30.04}).value(), 1.0);
  // Beyond the corner of A: distance to the corner.
  const LatLon r{49.9, 29.9};
  EXPECT_NEAR(c.DistanceTo(0, r).value(), GeodesicDistance(r, {50.0, 30.0}).value(), 1.0);
}

TEST(CatalogTest, ZonesWithin) {
  Catalog c = TestCatalog();
  // A point in B, 0.005 deg (358 m) east of A.
  const LatLon p{50.05, 30.105};
  EXPECT_EQ(c.ZonesWithin(p, Metres(0)), (std::vector<ZoneIndex>{1}));
  EXPECT_EQ(c.ZonesWithin(p, Metres(300)), (std::vector<ZoneIndex>{1}));
  EXPECT_EQ(c.ZonesWithin(p, Metres(400)), (std::vector<ZoneIndex>{0, 1}));
  // C is 0.1 deg (7.16 km) east of B's east edge... from p it is 0.195 deg = 13.96 km.
  EXPECT_EQ(c.ZonesWithin(p, Metres(13900)), (std::vector<ZoneIndex>{0, 1, 3}));  // H: 3.2 km
  EXPECT_EQ(c.ZonesWithin(p, Metres(14100)), (std::vector<ZoneIndex>{0, 1, 2, 3}));
  EXPECT_EQ(c.ZonesWithin({50.05, 30.05}, Metres(0)), (std::vector<ZoneIndex>{3}));
  EXPECT_EQ(c.ZonesWithin({50.05, 30.05}, Metres(800)), (std::vector<ZoneIndex>{0, 3}));
}

TEST(CatalogTest, ZonesTouchingPolygon) {
  Catalog c = TestCatalog();
  Polygon tri;
  tri.outer = {{50.01, 30.19}, {50.01, 30.31}, {50.02, 30.25}, {50.01, 30.19}};
  EXPECT_EQ(c.ZonesTouching(tri), (std::vector<ZoneIndex>{1, 2}));
  Polygon inside_hole;
  inside_hole.outer = {{50.045, 30.045}, {50.045, 30.055}, {50.055, 30.055}, {50.045, 30.045}};
  EXPECT_EQ(c.ZonesTouching(inside_hole), (std::vector<ZoneIndex>{3}));
  Polygon gap;
  gap.outer = {{50.01, 30.36}, {50.01, 30.39}, {50.02, 30.38}, {50.01, 30.36}};
  EXPECT_TRUE(c.ZonesTouching(gap).empty());
}

TEST(CatalogTest, ZonesTouchingCorridor) {
  Catalog c = TestCatalog();
  // A line along 49.98N from 30.05E to 30.32E: 0.02 deg (2.22 km) south of A, B, C.
  const std::vector<LatLon> line{{49.98, 30.05}, {49.98, 30.32}};
  EXPECT_TRUE(c.ZonesTouchingCorridor(line, Metres(2000)).empty());
  EXPECT_EQ(c.ZonesTouchingCorridor(line, Metres(2300)), (std::vector<ZoneIndex>{0, 1, 2}));
  // A line crossing A's hole and ending in B.
  const std::vector<LatLon> cross{{50.05, 29.95}, {50.05, 30.15}};
  EXPECT_EQ(c.ZonesTouchingCorridor(cross, Metres(0)), (std::vector<ZoneIndex>{0, 1, 3}));
  // One point: same as ZonesWithin.
  const std::vector<LatLon> one{{50.05, 30.105}};
  EXPECT_EQ(c.ZonesTouchingCorridor(one, Metres(400)), (std::vector<ZoneIndex>{0, 1}));
}

TEST(CatalogTest, ZonesTouchingEllipse) {
  Catalog c = TestCatalog();
  // Centred in the gap between C's parts (30.35..30.40), 2.5 km east-west semi-axis
  // would not reach (gap half-width 0.025 deg = 1.79 km... it does): use azimuths.
  const LatLon centre{50.025, 30.375};
  // Major axis north-south 5 km, minor 1 km: stays within the gap.
  EXPECT_TRUE(c.ZonesTouchingEllipse(centre, Metres(5000), Metres(1000), 0).empty());
  // Major axis east-west 2 km: reaches both parts of C (1.79 km away).
  EXPECT_EQ(c.ZonesTouchingEllipse(centre, Metres(2000), Metres(1000), 90), (std::vector<ZoneIndex>{2}));
}

TEST(CatalogTest, ConcurrentQueriesAgreeWithSequentialOnes) {
  Catalog c = TestCatalog();
  auto run = [&c](int seed) {
    std::vector<double> out;
    for (int i = 0; i < 2000; ++i) {
      const LatLon p{49.95 + 0.0001 * ((i * 7919 + seed) % 2000), 29.95 + 0.00025 * ((i * 104729) % 2000)};
      out.push_back(c.ZoneAt(p).value_or(99));
      out.push_back(c.DistanceTo(i % 4, p).value());
      const LatLon line[2] = {p, {p.lat + 0.05, p.lon + 0.1}};
      out.push_back(static_cast<double>(c.ZonesTouchingCorridor(line, Metres(500)).size()));
    }
    return out;
  };
  const auto expect = run(1);
  std::vector<std::vector<double>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { got[t] = run(1); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expect);
}

TEST(CatalogTest, OddQueriesDoNotCrash) {
  Catalog c = TestCatalog();
  EXPECT_EQ(c.DistanceTo(0, {NAN, 30}).value(), INFINITY);
  EXPECT_TRUE(c.ZonesWithin({50.05, 30.05}, Metres(-1)).empty());
  EXPECT_TRUE(c.ZonesWithin({50.05, 30.05}, Metres(NAN)).empty());
  const LatLon bad[2] = {{50, 30}, {NAN, 30}};
  EXPECT_TRUE(c.ZonesTouchingCorridor(bad, Metres(100)).empty());
  const LatLon same[2] = {{50.05, 30.05}, {50.05, 30.05}};
  EXPECT_EQ(c.ZonesTouchingCorridor(same, Metres(0)), (std::vector<ZoneIndex>{3}));
  Polygon bow;  // a self-crossing query polygon
  bow.outer = {{50.0, 30.0}, {50.1, 30.1}, {50.0, 30.1}, {50.1, 30.0}, {50.0, 30.0}};
  (void)c.ZonesTouching(bow);
  EXPECT_TRUE(c.ZonesTouching(Polygon{}).empty());
  EXPECT_EQ(c.ZonesTouchingEllipse({50.05, 30.15}, Metres(0), Metres(0), 0), (std::vector<ZoneIndex>{1}));
  EXPECT_EQ(c.ZonesTouchingEllipse({50.05, 30.15}, Metres(1e7), Metres(1e7), 0).size(), 4u);
}

TEST(CatalogTest, LoadProblemToString) {
  LoadProblem p{"f.geojson", 3, "X1", "missing name"};
  EXPECT_EQ(p.ToString(), "f.geojson: feature 3 (id X1): missing name");
  LoadProblem q{"f.geojson", -1, "", "not valid JSON"};
  EXPECT_EQ(q.ToString(), "f.geojson: not valid JSON");
}

}  // namespace
}  // namespace tocsin::zones
