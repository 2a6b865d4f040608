// Threat kinematics: speeds and altitudes within the weapon profile bounds, ballistic
// arcs that end on the ground at their aim point within the expected flight times.
#include "sim/kinematics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/simulate.h"
#include "sim/test_util.h"

namespace tocsin::sim {
namespace {

using testing::Attack;
using testing::Profiles;

// 3D speed between two truth points (m/s).
double Speed(const TruthPoint& a, const TruthPoint& b) {
  double ground = GeodesicDistance({a.lat, a.lon}, {b.lat, b.lon}).value();
  return std::hypot(ground, b.alt - a.alt) / (b.t - a.t);
}

TEST(WeaponProfiles, ShippedFileParsesWithCategories) {
  const auto& p = Profiles();
  ASSERT_EQ(p.size(), 33u);
  const WeaponProfile* shahed = FindProfile(p, "Shahed-136/131");
  ASSERT_NE(shahed, nullptr);
  EXPECT_EQ(shahed->category, ThreatCategory::kDrone);
  EXPECT_DOUBLE_EQ(shahed->cruise_speed_min_mps, 40);
  EXPECT_DOUBLE_EQ(shahed->cruise_speed_max_mps, 55);
  EXPECT_EQ(FindProfile(p, "X-101/X-555")->category, ThreatCategory::kCruiseMissile);
  EXPECT_EQ(FindProfile(p, "Kalibr")->category, ThreatCategory::kCruiseMissile);
  EXPECT_EQ(FindProfile(p, "Iskander-M")->model, FlightModel::kBallistic);
  EXPECT_EQ(FindProfile(p, "IL:Iranian MRBM")->category, ThreatCategory::kBallisticMissile);
  EXPECT_EQ(FindProfile(p, "IL:Qassam/short-range rocket")->category, ThreatCategory::kRocket);
  EXPECT_DOUBLE_EQ(*FindProfile(p, "Iskander-M")->apogee_km, 50);
}

TEST(WeaponProfiles, BadRowsAreRejectedWithLine) {
  Result<std::vector<WeaponProfile>> p = ParseWeaponProfiles(
      "model_key,name,class,propulsion,cruise_speed_mps_min,cruise_speed_mps_max,terminal_speed_mps,"
      "range_km_min,range_km_max,alt_m_min,alt_m_max,apogee_km,typical_launch,notes\n"
      "X,x,one-way attack UAV,prop,fast,55,,1,2,,,,,\n",
      "w.csv");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("w.csv:2"), std::string::npos) << p.status().message();
}

const char* kFlyers = R"({
  "epoch": 1757203200, "sensors": [],
  "threats": [
    {"name": "shaheds", "model": "Shahed-136/131", "count": 40,
     "launch": {"sites": ["Chauda"], "window_s": [0, 3600], "waves": 2},
     "targets": ["Odesa", "Mykolaiv", "Kyiv"],
     "route": {"via": ["Cape Tarkhankut"], "turns": 2, "max_offset_km": 40,
               "avoid": [{"place": "Kherson", "radius_km": 30}]},
     "destroyed_share": 0.5},
    {"name": "kh-101", "model": "X-101/X-555", "count": 20,
     "launch": {"sites": ["Engels"], "window_s": [0, 600]},
     "targets": ["Lviv", "Kyiv"], "route": {"turns": 3, "max_offset_km": 80}}
  ]})";

TEST(Kinematics, DronesAndCruiseMissilesStayWithinProfileBounds) {
  AttackDescription a = Attack(kFlyers);
  Result<std::vector<Flight>> flights = BuildFlights(a, Profiles(), 7);
  ASSERT_TRUE(flights.ok()) << flights.status().message();
  ASSERT_EQ(flights->size(), 60u);
  int destroyed = 0;
  for (const Flight& f : *flights) {
    const WeaponProfile* p = FindProfile(Profiles(), f.model);
    const bool drone = f.kind == ThreatCategory::kDrone;
    const double alt_hi = drone ? 3000 : 100, alt_lo = drone ? 100 : 30;
    const double v_lo = p->cruise_speed_min_mps, v_hi = std::max(p->cruise_speed_max_mps, p->terminal_speed_mps.value_or(0));
    std::vector<double> alts;
    for (std::size_t i = 0; i + 1 < f.points.size(); ++i) {
      const TruthPoint &a = f.points[i], &b = f.points[i + 1];
      ASSERT_GT(b.t, a.t) << f.id;
      if (b.t - a.t < 0.5) continue;  // 1 ms time rounding dominates very short segments
      double v = Speed(a, b);
      EXPECT_GE(v, v_lo * 0.99) << f.id << " point " << i;
      EXPECT_LE(v, v_hi * 1.01) << f.id << " point " << i;
      EXPECT_LE(a.alt, alt_hi + 0.1) << f.id;
      alts.push_back(a.alt);
    }
    std::sort(alts.begin(), alts.end());
    EXPECT_GE(alts[alts.size() / 2], alt_lo) << f.id << ": cruise altitude below the band";
    if (f.destroyed) {
      ++destroyed;
    } else {
      EXPECT_EQ(f.points.back().alt, 0.0) << f.id << " must end on the ground";
    }
    if (drone) {
      double hours = (f.end() - f.start()) / 3600;
      EXPECT_GT(hours, 0.5) << f.id;
      EXPECT_LT(hours, 14) << f.id;
    }
  }
  EXPECT_EQ(destroyed, 20);  // exactly round(0.5 * 40)
}

TEST(Kinematics, RoutesBendAroundAvoidedAreas) {
  AttackDescription a = Attack(R"({"epoch": 1757203200, "sensors": [], "threats": [
    {"model": "Shahed-136/131", "count": 10, "launch": {"sites": ["Kherson"], "radius_km": 0},
     "targets": [{"place": "Kharkiv", "radius_km": 0}],
     "route": {"avoid": [{"place": "Dnipro", "radius_km": 40}]}}]})");
  Result<std::vector<Flight>> flights = BuildFlights(a, Profiles(), 1);
  ASSERT_TRUE(flights.ok()) << flights.status().message();
  LatLon dnipro{48.4647, 35.0462};
  for (const Flight& f : *flights)
    for (const TruthPoint& p : f.points)
      EXPECT_GT(GeodesicDistance({p.lat, p.lon}, dnipro).value(), 39000) << f.id;
}

TEST(Kinematics, BallisticArcsEndOnTheGroundAtTheAimPoint) {
  struct Case {
    LatLon launch, target;
    double apogee_km, burn_s, beta;
    double min_s, max_s;  // expected flight time
  };
  const Case cases[] = {
      {{50.5997, 36.5983}, {49.9935, 36.2304}, 15, 7, 20000, 60, 180},     // Belgorod -> Kharkiv SRBM
      {{51.7304, 36.1926}, {50.4501, 30.5234}, 50, 24, 20000, 180, 420},   // Kursk -> Kyiv, ~420 km
      {{34.3142, 47.0650}, {32.0853, 34.7818}, 300, 63, 20000, 480, 900},  // Kermanshah -> Tel Aviv
      {{31.5370, 34.5370}, {31.6688, 34.5743}, 3, 3, 3000, 20, 90},        // Beit Hanoun -> Ashkelon rocket
  };
  for (const Case& c : cases) {
    BallisticParams p;
    p.launch_time = 1757203200;
    p.apogee_m = c.apogee_km * 1000;
    p.burn_s = c.burn_s;
    p.beta_kg_m2 = c.beta;
    Result<std::vector<TruthPoint>> pts = FlyBallistic(c.launch, c.target, p);
    ASSERT_TRUE(pts.ok()) << pts.status().message();
    const TruthPoint& last = pts->back();
    EXPECT_EQ(last.alt, 0.0);
    EXPECT_LT(GeodesicDistance({last.lat, last.lon}, c.target).value(), 100.0);
    double flight = last.t - pts->front().t;
    EXPECT_GE(flight, c.min_s);
    EXPECT_LE(flight, c.max_s);
    double apogee = 0;
    for (std::size_t i = 1; i < pts->size(); ++i) {
      ASSERT_GT((*pts)[i].t, (*pts)[i - 1].t);
      apogee = std::max(apogee, (*pts)[i].alt);
      if (i + 1 < pts->size()) {
        EXPECT_LE((*pts)[i].t - (*pts)[i - 1].t, 1.0 + 1e-9);
      }
    }
    EXPECT_GT(apogee, 0.5 * c.apogee_km * 1000);
    EXPECT_LT(apogee, 2.0 * c.apogee_km * 1000);
  }
}

TEST(Kinematics, KharkivBallisticPresetFlightsUnderThreeMinutes) {
  AttackDescription a = Attack(R"({"epoch": 1757203200, "sensors": [], "threats": [
    {"model": "Iskander-M", "count": 8, "launch": {"sites": ["Belgorod"], "window_s": [0, 600]},
     "targets": ["Kharkiv"]},
    {"model": "C-300", "count": 8, "launch": {"sites": ["Shebekino"], "window_s": [0, 600]},
     "targets": ["Kharkiv"], "destroyed_share": 0.25}]})");
  Result<std::vector<Flight>> flights = BuildFlights(a, Profiles(), 3);
  ASSERT_TRUE(flights.ok()) << flights.status().message();
  for (const Flight& f : *flights) {
    EXPECT_EQ(f.kind, ThreatCategory::kBallisticMissile);
    EXPECT_LT(f.end() - f.start(), 180.0) << f.id;
    EXPECT_EQ(f.points.back().alt, 0.0) << f.id << ": ballistic points always run to the ground";
  }
}

}  // namespace
}  // namespace tocsin::sim

namespace tocsin::sim {
namespace {

TEST(Kinematics, ShortRangeRocketsFlyTwentyToNinetySeconds) {
  AttackDescription a = testing::Attack(R"({"epoch": 1757203200, "sensors": [], "threats": [
    {"model": "IL:Qassam/short-range rocket", "count": 40,
     "launch": {"sites": ["Beit Hanoun", "Gaza City", "Khan Yunis"], "radius_km": 1, "window_s": [0, 600]},
     "targets": [{"place": "Sderot", "radius_km": 2}, {"place": "Ashkelon", "radius_km": 3},
                 {"place": "Ashdod", "radius_km": 3}, {"place": "Tel Aviv", "radius_km": 3}]}]})");
  Result<std::vector<Flight>> flights = BuildFlights(a, testing::Profiles(), 5);
  ASSERT_TRUE(flights.ok()) << flights.status().message();
  for (const Flight& f : *flights) {
    EXPECT_EQ(f.kind, ThreatCategory::kRocket);
    double range = GeodesicDistance({f.points.front().lat, f.points.front().lon}, {f.points.back().lat, f.points.back().lon}).value();
    EXPECT_LT(range, 44000 + 3000) << f.id << ": Tel Aviv is beyond a Qassam's 40 km (+10 %, + aim scatter) and never drawn";
    EXPECT_GE(f.end() - f.start(), 15.0) << f.id;
    EXPECT_LE(f.end() - f.start(), 100.0) << f.id;
    EXPECT_EQ(f.points.back().alt, 0.0);
  }
}

}  // namespace
}  // namespace tocsin::sim
