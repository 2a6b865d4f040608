// Plays a straight-line drone across a row of zones, with the danger a predictor
// would hand over (a corridor ahead of it over the next minutes), and checks every
// zone in its path was alerted at least shelter_s before the drone arrived, stayed
// alerted while it was there, and was released after it left; zones off its path
// were never alerted.
#include <map>

#include <gtest/gtest.h>

#include "alert/engine.h"
#include "alert/test_catalog.h"

namespace tocsin::alert {
namespace {

constexpr double T0 = 1757203200.0;
constexpr double kSpeed = 50.0;        // m/s, a Shahed-class drone
constexpr double kScoringBuffer = 2000.0;  // scenario.md: within 2,000 m counts

struct Interval {
  double start = -1, end = -1;  // end < 0: still open
};

TEST(DronePassTest, EveryZoneOnThePathAlertedShelterAheadAndReleasedAfter) {
  // Row Z0..Z11 at lat 48.0-48.1 (on the path) and row N0..N11 at lat 48.1-48.2.
  auto zs = testing::RowZones(12, 4);
  for (auto& z : testing::RowZones(12, 4, 90, 48.1, "N")) zs.push_back(z);
  const zones::Catalog catalog = testing::LoadOrDie(zs);

  Policy policy;
  policy.categories.fill(CategoryPolicy{});
  MemoryAlertSink sink;
  AlertEngine engine(catalog, policy, sink);

  // Flies due east along lat 48.03 (7.8 km south of the N row), starting 10 km
  // west of the row.
  const LatLon start = GeodesicDestination({48.03, 30.0}, 270.0, Metres(10000));
  auto position = [&](double t) { return GeodesicDestination(start, 90.0, Metres(kSpeed * (t - T0))); };
  const double t_end = T0 + (10000 + 12 * 7500 + 10000) / kSpeed;

  // The predictor's danger: 1-minute corridor pieces for the next 10 minutes; the
  // threat can be 20% faster or slower than measured.
  auto danger_at = [&](double now) {
    Danger d;
    d.track = TrackId("trk-7");
    d.category = ThreatCategory::kDrone;
    d.confidence = 0.9;
    d.uncertainty = Metres(300);
    const LatLon here = position(now);
    for (int k = 0; k < 10; ++k) {
      const double near = kSpeed * 60 * k, far = kSpeed * 60 * (k + 1);
      Corridor c{{GeodesicDestination(here, 90.0, Metres(near)), GeodesicDestination(here, 90.0, Metres(far))},
                 Metres(2500)};
      d.areas.push_back({c, UnixTime(now + near / (kSpeed * 1.2)), UnixTime(now + far / (kSpeed * 0.8))});
    }
    return d;
  };

  for (double t = T0; t <= t_end; t += 1.0) {
    if (static_cast<long>(t - T0) % 5 == 0) engine.UpsertDanger(danger_at(t), UnixTime(t));
    engine.Tick(UnixTime(t));
  }
  engine.RemoveDanger(TrackId("trk-7"), EndReason::kThreatPassed, UnixTime(t_end + 1));
  for (double t = t_end + 1; t <= t_end + 600; t += 1.0) engine.Tick(UnixTime(t));

  // The alert intervals per zone; at most one open at a time.
  std::map<std::string, std::vector<Interval>> alerts;
  for (const auto& e : sink.events()) {
    auto& v = alerts[e.zone.str()];
    if (e.kind == AlertEventKind::kStart) {
      ASSERT_TRUE(v.empty() || v.back().end >= 0) << "two open alerts on " << e.zone.str();
      v.push_back({e.time.seconds(), -1});
    } else if (e.kind == AlertEventKind::kEnd) {
      ASSERT_FALSE(v.empty());
      v.back().end = e.time.seconds();
      EXPECT_EQ(e.reason, EndReason::kThreatPassed);
    }
  }

  // Truth: when the drone's ground point is within 2 km of each zone.
  int on_path = 0;
  for (zones::ZoneIndex z = 0; z < catalog.zones().size(); ++z) {
    const auto& zone = catalog.zone(z);
    double t_a = -1, t_l = -1;
    for (double t = T0; t <= t_end; t += 1.0)
      if (catalog.DistanceTo(z, position(t)).value() <= kScoringBuffer) {
        if (t_a < 0) t_a = t;
        t_l = t;
      }
    const auto it = alerts.find(zone.id.str());
    if (t_a < 0) {
      EXPECT_TRUE(it == alerts.end() || it->second.empty()) << zone.id.str() << " alerted off the path";
      continue;
    }
    ++on_path;
    ASSERT_TRUE(it != alerts.end()) << zone.id.str() << " never alerted";
    ASSERT_EQ(it->second.size(), 1u) << zone.id.str() << " flapped";
    const Interval& a = it->second[0];
    EXPECT_LE(a.start, t_a - zone.shelter.value()) << zone.id.str() << ": warning "
                                                     << (t_a - a.start) << " s < shelter";
    ASSERT_GE(a.end, 0) << zone.id.str() << " never ended";
    EXPECT_GT(a.end, t_l) << zone.id.str() << " dropped while the drone was there";
    // Released within the hold (+ one update period) of the drone leaving.
    EXPECT_LE(a.end, t_l + 90 + 5 + 2500 / kSpeed + 1) << zone.id.str() << " held too long: end " << (a.end - T0) << " t_l " << (t_l - T0);
  }
  EXPECT_EQ(on_path, 12);
}

}  // namespace
}  // namespace tocsin::alert
