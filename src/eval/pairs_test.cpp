// FindPairs on square zones near the equator, where distances are easy by hand:
// along the equator a degree of longitude is a x pi / 180 = 111,319.49 m (WGS84), so a
// drone flying east at 0.001 degree/s covers 111.32 m/s and reaches 2,000 m from a
// zone's west edge 2000 / 111319.49 = 0.017966 degrees = 17.966 s before the edge.
// A degree of latitude there is 110,574 m.
#include "eval/pairs.h"

#include <map>

#include <gtest/gtest.h>

#include "eval/test_catalogs.h"

namespace tocsin::eval {
namespace {

using testing::Feature;
using testing::kMetresPerDegreeOnEquator;
using testing::LoadCatalog;
using testing::SquareFeature;
using testing::SquareRing;

constexpr double kMetresPerDegreeLat = 110574.0;
// Seconds from 2 km out to the edge at 0.001 degree/s.
const double kLead = 2000.0 / kMetresPerDegreeOnEquator / 0.001;  // 17.966 s
// Crossing times are found to 1e-4 s; DistanceTo is accurate to 1 m = 0.009 s here.
constexpr double kTol = 0.02;

TruthThreat Flight(ThreatCategory kind, std::vector<TruthPoint> points) {
  TruthThreat t;
  t.id = "T";
  t.kind = kind;
  t.points = std::move(points);
  t.first_seen = 0;
  return t;
}

// East along latitude `lat` from lon 0 at t=0 to lon 2 at t=2000 (0.001 degree/s).
TruthThreat EastwardDrone(double lat) {
  return Flight(ThreatCategory::kDrone, {{0, {lat, 0}, 100}, {2000, {lat, 2}, 100}});
}

TEST(Pairs, DroneThroughASquareArrivesAndLeavesAtTwoKilometres) {
  // Z1 spans lon [1.0, 1.1]: t_a = 1000 - 17.966, t_l = 1100 + 17.966. Z2 (far north) is
  // not a pair.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, ""), SquareFeature("Z2", 1, 1.0, 0.1, "")});
  const auto pairs = FindThreatPairs(EastwardDrone(0.05), 3, catalog);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].zone, 0u);
  EXPECT_EQ(pairs[0].threat, 3u);
  EXPECT_NEAR(pairs[0].t_a, 1000 - kLead, kTol);
  EXPECT_NEAR(pairs[0].t_l, 1100 + kLead, kTol);
}

TEST(Pairs, PassingWithinTwoKilometresCountsAndFartherDoesNot) {
  // 1,500 m north of the zone's north edge: the 2 km circle around the north-west corner
  // is reached when the east-west offset is sqrt(2000^2 - 1500^2) = 1322.9 m, i.e.
  // 11.884 s before lon 1.0. Between the two points there is no sample near the zone:
  // the points are 111 km from it.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  const double lat = 0.1 + 1500 / kMetresPerDegreeLat;
  const auto near = FindThreatPairs(EastwardDrone(lat), 0, catalog);
  ASSERT_EQ(near.size(), 1u);
  const double offset_s = 1322.876 / kMetresPerDegreeOnEquator / 0.001;
  EXPECT_NEAR(near[0].t_a, 1000 - offset_s, kTol);
  EXPECT_NEAR(near[0].t_l, 1100 + offset_s, kTol);
  EXPECT_TRUE(FindThreatPairs(EastwardDrone(0.1 + 2500 / kMetresPerDegreeLat), 0, catalog).empty());
}

TEST(Pairs, MidpointSamplesMissWhatTheExactMethodFinds) {
  // From lon 0 to lon 1.5 in one segment, 1,500 m north of Z1: the midpoint (lon 0.75) is
  // 25 km from the zone, so only the exact method sees the pass.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  const double lat = 0.1 + 1500 / kMetresPerDegreeLat;
  const TruthThreat t = Flight(ThreatCategory::kCruiseMissile, {{0, {lat, 0}, 100}, {1500, {lat, 1.5}, 100}});
  EXPECT_EQ(FindThreatPairs(t, 0, catalog, CrossingMethod::kExact).size(), 1u);
  EXPECT_TRUE(FindThreatPairs(t, 0, catalog, CrossingMethod::kMidpointSamples).empty());
}

TEST(Pairs, MidpointSamplesTakeTheFirstAndLastSampleWithin) {
  // Points every 10 s (0.01 degree) along the equator line through Z1 (lon [1.0, 1.1]):
  // samples every 5 s. The first sample within 2 km (from lon 0.982034) is at lon 0.985
  // (t = 985), the last at lon 1.115 (t = 1115).
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  std::vector<TruthPoint> points;
  for (int i = 0; i <= 200; ++i) points.push_back({i * 10.0, {0.05, i * 0.01}, 100});
  const auto pairs =
      FindThreatPairs(Flight(ThreatCategory::kDrone, points), 0, catalog, CrossingMethod::kMidpointSamples);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_NEAR(pairs[0].t_a, 985, 1e-9);
  EXPECT_NEAR(pairs[0].t_l, 1115, 1e-9);
  const auto exact = FindThreatPairs(Flight(ThreatCategory::kDrone, points), 0, catalog);
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_NEAR(exact[0].t_a, 1000 - kLead, kTol);
}

TEST(Pairs, DroneEndingInsideAZoneLeavesAtItsLastPoint) {
  // Impact at lon 1.05 (inside Z1) at t = 1050.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  const auto pairs = FindThreatPairs(
      Flight(ThreatCategory::kDrone, {{0, {0.05, 0}, 100}, {1050, {0.05, 1.05}, 0}}), 0, catalog);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_NEAR(pairs[0].t_a, 1000 - kLead, kTol);
  EXPECT_DOUBLE_EQ(pairs[0].t_l, 1050);
}

TEST(Pairs, BallisticMissileEndangersOnlyZonesNearItsLastPoint) {
  // The flight passes over Z1 (lon [1.0, 1.1]) and ends at t = 1000 at lon 1.59 inside
  // Z3 (lon [1.5, 1.6]), 0.01 degrees = 1,113 m from Z3's east edge. Z2 starts 390 m
  // east of that edge: 1,503 m from the end point, a pair. Z1 is not.
  const auto catalog = LoadCatalog({
      SquareFeature("Z1", 0, 1.0, 0.1, ""),
      SquareFeature("Z2", 0, 1.6 + 390 / kMetresPerDegreeOnEquator, 0.1, ""),
      SquareFeature("Z3", 0, 1.5, 0.1, ""),
  });
  const TruthThreat b = Flight(ThreatCategory::kBallisticMissile,
                               {{0, {0.05, 0.5}, 0}, {500, {0.05, 1.05}, 50000}, {1000, {0.05, 1.59}, 0}});
  const auto pairs = FindThreatPairs(b, 0, catalog);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].zone, 1u);
  EXPECT_EQ(pairs[1].zone, 2u);
  for (const Pair& p : pairs) {
    EXPECT_DOUBLE_EQ(p.t_a, 1000);
    EXPECT_DOUBLE_EQ(p.t_l, 1000);
  }
}

TEST(Pairs, RocketEndingNearAZoneEdgeWithinTwoKilometres) {
  // Z1 spans lon [1.0, 1.1], lat [0, 0.1]. Rockets end on lat 0.05 at 1,500 m and 2,500 m
  // east of its east edge: only the first endangers it.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  auto rocket = [](double end_lon) {
    return Flight(ThreatCategory::kRocket, {{0, {0.05, 1.3}, 0}, {60, {0.05, end_lon}, 0}});
  };
  const auto near = FindThreatPairs(rocket(1.1 + 1500 / kMetresPerDegreeOnEquator), 0, catalog);
  ASSERT_EQ(near.size(), 1u);
  EXPECT_DOUBLE_EQ(near[0].t_a, 60);
  EXPECT_TRUE(FindThreatPairs(rocket(1.1 + 2500 / kMetresPerDegreeOnEquator), 0, catalog).empty());
}

TEST(Pairs, MultiPolygonZoneIsOnePairFromItsFirstPartToItsLast) {
  // M has two parts, lon [1.0, 1.1] and [1.5, 1.6]: t_a = 1000 - 17.966, t_l = 1600 + 17.966.
  const std::string geometry = "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + SquareRing(0, 1.0, 0.1) +
                               "],[" + SquareRing(0, 1.5, 0.1) + "]]}";
  const auto catalog = LoadCatalog({Feature("M", geometry, "")});
  const auto pairs = FindThreatPairs(EastwardDrone(0.05), 0, catalog);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_NEAR(pairs[0].t_a, 1000 - kLead, kTol);
  EXPECT_NEAR(pairs[0].t_l, 1600 + kLead, kTol);
}

TEST(Pairs, HoleIsNotPartOfTheZone) {
  // Z spans lat [0, 0.2], lon [1.0, 1.2] with a hole lat [0.05, 0.15], lon [1.05, 1.15].
  // A rocket ending at the hole's centre is 0.05 degrees (5.5 km) from the zone; one
  // ending 1,500 m inside the hole's west edge is within 2 km.
  const std::string geometry = "{\"type\":\"Polygon\",\"coordinates\":[" + SquareRing(0, 1.0, 0.2) + "," +
                               SquareRing(0.05, 1.05, 0.1) + "]}";
  const auto catalog = LoadCatalog({Feature("Z", geometry, "")});
  auto rocket = [](double lon) { return Flight(ThreatCategory::kRocket, {{60, {0.1, lon}, 0}}); };
  EXPECT_TRUE(FindThreatPairs(rocket(1.1), 0, catalog).empty());
  EXPECT_EQ(FindThreatPairs(rocket(1.05 + 1500 / kMetresPerDegreeOnEquator), 0, catalog).size(), 1u);
}

TEST(Pairs, LoiteringDroneIsOnePairFromFirstArrivalToLastLeaving) {
  // In through Z1 (lon [1.0, 1.1]) eastward, back west out of it, then east again and
  // stop at lon 1.3: t_a on the way in, t_l when it last leaves going east.
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, "")});
  const TruthThreat t = Flight(ThreatCategory::kAircraft, {{0, {0.05, 0.9}, 100},      // 100 s west of Z1
                                                           {200, {0.05, 1.05}, 100},   // inside
                                                           {400, {0.05, 0.8}, 100},    // back out west
                                                           {1000, {0.05, 1.3}, 100}});
  const auto pairs = FindThreatPairs(t, 0, catalog);
  ASSERT_EQ(pairs.size(), 1u);
  // In at lon 0.982034: 0.082034 / 0.15 x 200 s = 109.38 s.
  EXPECT_NEAR(pairs[0].t_a, (1.0 - kLead * 0.001 - 0.9) / 0.15 * 200, kTol);
  // Last out at lon 1.117966, on the leg from lon 0.8 at t=400 at 0.5/600 degree/s.
  EXPECT_NEAR(pairs[0].t_l, 400 + (1.1 + kLead * 0.001 - 0.8) / (0.5 / 600), kTol);
}

TEST(Pairs, FindPairsCoversEveryThreat) {
  const auto catalog = LoadCatalog({SquareFeature("Z1", 0, 1.0, 0.1, ""), SquareFeature("Z2", 1, 1.0, 0.1, "")});
  Truth truth;
  for (int i = 0; i < 20; ++i) truth.threats.push_back(EastwardDrone(i % 2 ? 1.05 : 0.05));
  const auto pairs = FindPairs(truth, catalog);
  ASSERT_EQ(pairs.size(), 20u);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(pairs[i].threat, i);
    EXPECT_EQ(pairs[i].zone, i % 2);
  }
}

}  // namespace
}  // namespace tocsin::eval

namespace tocsin::eval {
namespace {

// Finds the shipped or shared ua-hromadas catalog; nullptr when neither is present.
const zones::Catalog* Hromadas() {
  static const zones::Catalog* catalog = []() -> const zones::Catalog* {
    for (const std::string& p : {std::string(TOCSIN_DATA_DIR) + "/zones/ua-hromadas.geojson",
                                std::string(TOCSIN_SHARED_DIR) + "/data/zones/ua-hromadas.geojson"}) {
      auto c = zones::Catalog::LoadFile(p);
      if (c.ok()) return new zones::Catalog(std::move(c).value());
    }
    return nullptr;
  }();
  return catalog;
}

// The ground position of a flight at time t (linear between points).
LatLon PositionAt(const TruthThreat& t, double time) {
  for (std::size_t i = 0; i + 1 < t.points.size(); ++i) {
    if (t.points[i + 1].time >= time) {
      const double u = (time - t.points[i].time) / (t.points[i + 1].time - t.points[i].time);
      const LatLon a = t.points[i].position, b = t.points[i + 1].position;
      return {a.lat + u * (b.lat - a.lat), a.lon + u * (b.lon - a.lon)};
    }
  }
  return t.points.back().position;
}

TEST(Pairs, ExactCrossingsAgreeWithDenseSamplingOnHromadas) {
  // Drones zig-zagging over southern Ukraine at 50 m/s with a point every 5 s. Sampling
  // the track every 0.5 s and asking ZonesWithin at each sample finds each pair's zone
  // with a first and last sample time; the exact t_a must be at most 0.5 s before the
  // first sample, the exact t_l at most 0.5 s after the last. Pairs the samples miss
  // must be grazes: at t_a the distance is 2 km.
  const zones::Catalog* catalog = Hromadas();
  if (!catalog) GTEST_SKIP() << "ua-hromadas.geojson is in neither " << TOCSIN_DATA_DIR << " nor " << TOCSIN_SHARED_DIR;
  const LatLon corners[] = {{46.5, 30.5}, {47.2, 31.4}, {46.7, 32.2}, {47.4, 33.0}, {46.9, 33.6}};
  for (int variant = 0; variant < 3; ++variant) {
    TruthThreat t = Flight(ThreatCategory::kDrone, {});
    double time = 0;
    LatLon here = corners[0];
    for (int leg = 1; leg < 5; ++leg) {
      LatLon goal = corners[leg];
      goal.lat += 0.05 * variant;
      while (GeodesicDistance(here, goal).value() > 250) {
        t.points.push_back({time, here, 100});
        here = GeodesicDestination(here, GeodesicAzimuth(here, goal), Metres(250));
        time += 5;
      }
    }
    const double step = 0.5;
    std::map<zones::ZoneIndex, std::pair<double, double>> sampled;
    for (std::size_t i = 0; i + 1 < t.points.size(); ++i) {
      for (double u = 0; u < 5; u += step) {
        const auto& a = t.points[i].position;
        const auto& b = t.points[i + 1].position;
        const LatLon p{a.lat + u / 5 * (b.lat - a.lat), a.lon + u / 5 * (b.lon - a.lon)};
        for (zones::ZoneIndex z : catalog->ZonesWithin(p, kDangerDistance)) {
          auto [it, inserted] = sampled.try_emplace(z, t.points[i].time + u, t.points[i].time + u);
          it->second.second = t.points[i].time + u;
        }
      }
    }
    const auto pairs = FindThreatPairs(t, 0, *catalog);
    ASSERT_GT(sampled.size(), 10u);
    std::size_t matched = 0;
    for (const Pair& p : pairs) {
      auto it = sampled.find(p.zone);
      if (it == sampled.end()) {
        EXPECT_NEAR(catalog->DistanceTo(p.zone, PositionAt(t, p.t_a)).value(), 2000, 20)
            << "zone " << catalog->zone(p.zone).id.str() << " found only by the exact method";
        continue;
      }
      ++matched;
      EXPECT_LE(p.t_a, it->second.first + 1e-3) << catalog->zone(p.zone).id.str();
      EXPECT_GT(p.t_a, it->second.first - step - 1e-3) << catalog->zone(p.zone).id.str();
      EXPECT_GE(p.t_l, it->second.second - 1e-3) << catalog->zone(p.zone).id.str();
      EXPECT_LT(p.t_l, it->second.second + step + 1e-3) << catalog->zone(p.zone).id.str();
    }
    EXPECT_EQ(matched, sampled.size()) << "the exact method missed zones the samples found";
  }
}

}  // namespace
}  // namespace tocsin::eval
