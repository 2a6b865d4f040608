// Pipeline (predictor -> engine) driven by synthetic track updates, no tracker.
#include "replay/pipeline.h"

#include <gtest/gtest.h>

#include <set>

#include "alert/test_catalog.h"
#include "core/geo.h"

namespace tocsin::replay {
namespace {

using alert::testing::LoadOrDie;
using alert::testing::RowCentre;
using alert::testing::RowZones;

// A drone flying due east along the row of zones at 50 m/s: every zone it crosses
// must be alerted at least shelter (90 s) before the drone gets within 2 km of it.
TEST(PipelineTest, DroneAlongRowAlertsZonesAheadInTime) {
  const zones::Catalog catalog = LoadOrDie(RowZones(40, 5));  // 40 x ~7.4 km east from lon 30
  alert::MemoryAlertSink sink;
  Pipeline pipeline(catalog, alert::Policy::Defaults(), sink);
  const double t0 = 1'000'000.0;
  const LatLon start = {48.05, 29.9};
  const double v = 50.0;
  const double end_t = 3000.0;  // 150 km
  for (double t = 0; t <= end_t; t += 2.0) {
    pipeline.AdvanceTo(UnixTime(t0 + t));
    track::TrackUpdate u;
    u.id = TrackId("trk-1");
    u.time = UnixTime(t0 + t);
    u.status = track::TrackStatus::kConfirmed;
    u.position = GeodesicDestination(start, 90.0, Metres(v * t));
    u.vel_east = v;
    u.pos_sigma = Metres(150);
    u.vel_sigma = MetresPerSecond(2);
    u.category = ThreatCategory::kDrone;
    u.confidence = 0.9;
    pipeline.OnTrackUpdate(u);
  }
  pipeline.OnTrackEnd({TrackId("trk-1"), UnixTime(t0 + end_t), track::TrackEndReason::kLost});
  pipeline.AdvanceTo(UnixTime(t0 + end_t + 900));
  EXPECT_GT(pipeline.stats().ticks, 3000u);

  // First alert start per zone.
  std::map<std::string, double> first_start;
  std::map<std::string, int> open;
  for (const auto& e : sink.events()) {
    if (e.kind == alert::AlertEventKind::kStart && !first_start.count(e.zone.str())) first_start[e.zone.str()] = e.time.seconds();
    if (e.kind == alert::AlertEventKind::kStart) ++open[e.zone.str()];
    if (e.kind == alert::AlertEventKind::kEnd) --open[e.zone.str()];
  }
  for (int i = 0; i < 19; ++i) {  // zones fully crossed: lon 30 .. 31.9
    const std::string id = "Z" + std::to_string(i);
    ASSERT_TRUE(first_start.count(id)) << id << " never alerted";
    // The drone comes within 2 km of zone i's west edge at distance (edge - start) - 2 km.
    const double edge_dist = GeodesicDistance(start, {48.05, 30.0 + 0.1 * i}).value();
    const double t_a = t0 + std::max(0.0, (edge_dist - 2000.0) / v);
    if (t_a - t0 > 200) EXPECT_LE(first_start[id], t_a - 90.0) << id;
    EXPECT_EQ(open[id], 0) << id << " left open";
  }
  // Zones far off to the east (beyond the flight + horizon) were never alerted.
  EXPECT_FALSE(first_start.count("Z39"));
  (void)RowCentre;
}

// A drone at 50 m/s heading east over the row, at `x_km` east of lon 29.9.
track::TrackUpdate DroneAt(double t, double x_km) {
  track::TrackUpdate u;
  u.id = TrackId("trk-1");
  u.time = UnixTime(t);
  u.status = track::TrackStatus::kConfirmed;
  u.position = GeodesicDestination({48.05, 29.9}, 90.0, Metres(x_km * 1000));
  u.vel_east = 50;
  u.pos_sigma = Metres(150);
  u.vel_sigma = MetresPerSecond(2);
  u.category = ThreatCategory::kDrone;
  u.confidence = 0.9;
  return u;
}

std::set<zones::ZoneIndex> AlertedZones(const alert::AlertEngine& engine) {
  std::set<zones::ZoneIndex> out;
  for (const auto& a : engine.Active())
    if (!a.prealert) out.insert(a.zone);
  return out;
}

TEST(PipelineTest, DeferredDangersDecideOnlyTheNewestOfATrack) {
  const zones::Catalog catalog = LoadOrDie(RowZones(40, 5));
  alert::MemoryAlertSink sink, sink_last;
  Pipeline deferred(catalog, alert::Policy::Defaults(), sink);
  Pipeline last_only(catalog, alert::Policy::Defaults(), sink_last);
  deferred.SetDeferDangers(true);
  for (int i = 0; i < 5; ++i) deferred.OnTrackUpdate(DroneAt(1000 + 2 * i, 0.1 * i));
  EXPECT_EQ(deferred.engine().stats().upserts, 0u);
  EXPECT_EQ(deferred.pending_dangers(), 1u);
  EXPECT_EQ(deferred.stats().superseded, 4u);
  EXPECT_EQ(deferred.ApplyPendingDangers(), 1u);
  EXPECT_EQ(deferred.engine().stats().upserts, 1u);
  EXPECT_DOUBLE_EQ(deferred.stats().max_wait_s, 8.0);  // put at 1000, applied at 1008
  // The same decisions as deciding the newest update alone.
  last_only.OnTrackUpdate(DroneAt(1008, 0.4));
  EXPECT_FALSE(AlertedZones(deferred.engine()).empty());
  EXPECT_EQ(AlertedZones(deferred.engine()), AlertedZones(last_only.engine()));
}

TEST(PipelineTest, DeferredDangersApplyAtLeastOneAndStopWhenAsked) {
  const zones::Catalog catalog = LoadOrDie(RowZones(40, 5));
  alert::MemoryAlertSink sink;
  Pipeline pipeline(catalog, alert::Policy::Defaults(), sink);
  pipeline.SetDeferDangers(true);
  for (int i = 0; i < 4; ++i) {
    track::TrackUpdate u = DroneAt(1000, 10.0 * i);
    u.id = TrackId("trk-" + std::to_string(i));
    pipeline.OnTrackUpdate(u);
  }
  EXPECT_EQ(pipeline.ApplyPendingDangers([] { return false; }), 1u);
  int asked = 0;
  // The first without asking, then one more per "yes".
  EXPECT_EQ(pipeline.ApplyPendingDangers([&] { return ++asked < 2; }), 2u);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(pipeline.pending_dangers(), 1u);
  pipeline.SetDeferDangers(false);  // turning it off applies what waits
  EXPECT_EQ(pipeline.pending_dangers(), 0u);
  EXPECT_EQ(pipeline.engine().stats().upserts, 4u);
}

// A track that ends while its danger waits must not take that danger with it: the
// zones in its path are decided (and held) as if it had been applied in time.
TEST(PipelineTest, WaitingDangerOfAnEndedTrackIsDecidedBeforeTheEnd) {
  const zones::Catalog catalog = LoadOrDie(RowZones(40, 5));
  alert::MemoryAlertSink sink;
  Pipeline pipeline(catalog, alert::Policy::Defaults(), sink);
  pipeline.SetDeferDangers(true);
  pipeline.OnTrackUpdate(DroneAt(1000, 5));
  pipeline.OnTrackEnd({TrackId("trk-1"), UnixTime(1001), track::TrackEndReason::kImpact});
  EXPECT_EQ(pipeline.pending_dangers(), 0u);
  EXPECT_EQ(pipeline.engine().stats().upserts, 1u);
  EXPECT_FALSE(AlertedZones(pipeline.engine()).empty());
}

TEST(PipelineTest, TicksOncePerScenarioSecond) {
  const zones::Catalog catalog = LoadOrDie(RowZones(3, 3));
  alert::MemoryAlertSink sink;
  Pipeline pipeline(catalog, alert::Policy::Defaults(), sink);
  int calls = 0;
  pipeline.AdvanceTo(UnixTime(100.5), [&](UnixTime) { ++calls; });
  pipeline.AdvanceTo(UnixTime(110.2), [&](UnixTime) { ++calls; });
  pipeline.AdvanceTo(UnixTime(105.0), [&](UnixTime) { ++calls; });  // earlier: ignored
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(pipeline.now(), UnixTime(110.2));
}

}  // namespace
}  // namespace tocsin::replay
