// The catalogs shipped in data/zones load without problems and resolve known places.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "zones/catalog.h"

namespace tocsin::zones {
namespace {

std::string Shipped(const std::string& name) {
  return std::string(TOCSIN_DATA_DIR) + "/zones/" + name + ".geojson";
}

class ShippedCatalogTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ShippedCatalogTest, LoadsWithoutProblems) {
  const std::string path = Shipped(GetParam());
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is not shipped";
  std::vector<LoadProblem> problems;
  auto cat = Catalog::LoadFile(path, {}, &problems);
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(cat->name(), GetParam());
  for (ZoneIndex i = 0; i < cat->zones().size(); ++i) {
    const Zone& z = cat->zone(i);
    EXPECT_GT(z.area_km2, 0) << z.id.str();
    // The representative point lies in the zone (ZoneAt may give a lower,
    // overlapping zone, so test containment through ZonesWithin).
    const auto in = cat->ZonesWithin(z.centroid, Metres(0));
    EXPECT_TRUE(std::find(in.begin(), in.end(), i) != in.end()) << z.id.str();
  }
}

INSTANTIATE_TEST_SUITE_P(All, ShippedCatalogTest,
                         ::testing::Values("ua-hromadas", "ua-raions", "ua-oblasts", "il-areas"));

TEST(ShippedCatalogTest, ZoneCounts) {
  EXPECT_EQ(Catalog::LoadFile(Shipped("ua-hromadas"))->zones().size(), 1476u);
  EXPECT_EQ(Catalog::LoadFile(Shipped("ua-raions"))->zones().size(), 137u);
  EXPECT_EQ(Catalog::LoadFile(Shipped("ua-oblasts"))->zones().size(), 25u);
  EXPECT_EQ(Catalog::LoadFile(Shipped("il-areas"))->zones().size(), 1449u);
}

TEST(ShippedCatalogTest, KnownCitiesResolve) {
  auto ua = Catalog::LoadFile(Shipped("ua-hromadas"));
  ASSERT_TRUE(ua.ok()) << ua.status().message();
  auto kyiv = ua->ZoneAt({50.4501, 30.5234});
  ASSERT_TRUE(kyiv.has_value());
  // Kyiv city is split into its 10 districts (Shevchenkivskyi here), region UA-30.
  EXPECT_NE(ua->zone(*kyiv).name_en.find("district"), std::string::npos) << ua->zone(*kyiv).name_en;
  EXPECT_EQ(ua->zone(*kyiv).parent.str(), "UA-30");
  auto odesa = ua->ZoneAt({46.4825, 30.7233});
  ASSERT_TRUE(odesa.has_value());
  EXPECT_NE(ua->zone(*odesa).name_en.find("Odes"), std::string::npos) << ua->zone(*odesa).name_en;
  EXPECT_EQ(ua->zone(*odesa).parent.str(), "UA-51");
  auto lviv = ua->ZoneAt({49.8397, 24.0297});
  ASSERT_TRUE(lviv.has_value());
  EXPECT_NE(ua->zone(*lviv).name_en.find("Lviv"), std::string::npos) << ua->zone(*lviv).name_en;
  EXPECT_FALSE(ua->ZoneAt({52.52, 13.405}).has_value());  // Berlin

  auto il = Catalog::LoadFile(Shipped("il-areas"));
  ASSERT_TRUE(il.ok()) << il.status().message();
  auto tlv = il->ZoneAt({32.0853, 34.7818});
  ASSERT_TRUE(tlv.has_value());
  EXPECT_NE(il->zone(*tlv).name_en.find("Tel Aviv"), std::string::npos) << il->zone(*tlv).name_en;

  auto oblasts = Catalog::LoadFile(Shipped("ua-oblasts"));
  ASSERT_TRUE(oblasts.ok());
  auto kharkiv = oblasts->ZoneAt({49.9935, 36.2304});
  ASSERT_TRUE(kharkiv.has_value());
  EXPECT_EQ(oblasts->zone(*kharkiv).id.str(), "UA-63");
}

// Plain even-odd test over every ring, independent of the index.
bool BruteContains(const MultiPolygon& g, LatLon p) {
  bool in = false;
  auto ring = [&](const Ring& r) {
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      const LatLon a = r[i], b = r[i + 1];
      if ((a.lat > p.lat) != (b.lat > p.lat) &&
          p.lon < a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat))
        in = !in;
    }
  };
  for (const Polygon& poly : g) {
    ring(poly.outer);
    for (const Ring& h : poly.holes) ring(h);
  }
  return in;
}

TEST(ShippedCatalogTest, ZoneAtMatchesBruteForce) {
  for (const char* name : {"ua-hromadas", "il-areas"}) {
    auto c = Catalog::LoadFile(Shipped(name));
    ASSERT_TRUE(c.ok()) << c.status().message();
    double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
    for (const Zone& z : c->zones())
      for (const Polygon& p : z.geometry)
        for (const LatLon& v : p.outer) {
          min_lat = std::min(min_lat, v.lat), max_lat = std::max(max_lat, v.lat);
          min_lon = std::min(min_lon, v.lon), max_lon = std::max(max_lon, v.lon);
        }
    std::mt19937_64 rng(9);
    std::uniform_real_distribution<double> lat(min_lat - 0.1, max_lat + 0.1), lon(min_lon - 0.1, max_lon + 0.1);
    int inside = 0;
    for (int i = 0; i < 8000; ++i) {
      const LatLon p{lat(rng), lon(rng)};
      std::optional<ZoneIndex> want;
      for (ZoneIndex z = 0; z < c->zones().size() && !want; ++z)
        if (BruteContains(c->zone(z).geometry, p)) want = z;
      inside += want.has_value();
      ASSERT_EQ(c->ZoneAt(p), want) << name << " " << p.lat << "," << p.lon;
    }
    EXPECT_GT(inside, 300) << name;  // il-areas leaves much of its box (sea, desert) uncovered
  }
}

TEST(ShippedCatalogTest, ResolveCatalogPathFindsShippedNames) {
  auto p = ResolveCatalogPath("ua-hromadas");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(std::filesystem::exists(*p));
  auto missing = ResolveCatalogPath("no-such-catalog");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no-such-catalog"), std::string::npos);
  EXPECT_NE(missing.status().message().find("searched"), std::string::npos);
  auto direct = ResolveCatalogPath(Shipped("il-areas"));
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*direct, Shipped("il-areas"));
}

}  // namespace
}  // namespace tocsin::zones
