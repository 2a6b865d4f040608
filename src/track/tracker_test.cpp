#include "track/tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "track/test_util.h"
#include "track/measurement.h"
#include "track/motion_model.h"
#include "track/tracker_config.h"

namespace tocsin::track {
namespace {

using testing::Local;
using testing::Plot;

struct Recorder : TrackSink {
  std::vector<TrackUpdate> updates;
  std::vector<TrackEnd> ends;
  void OnTrackUpdate(const TrackUpdate& u) override { updates.push_back(u); }
  void OnTrackEnd(const TrackEnd& e) override { ends.push_back(e); }
  std::map<std::string, int> CountById() const {
    std::map<std::string, int> m;
    for (const auto& u : updates) ++m[u.id.str()];
    return m;
  }
};

double Distance(const TrackUpdate& u, const Vec3& truth) {
  return (ToEcef(u.position.lat, u.position.lon, u.alt_m) - truth).norm();
}

constexpr double kLat = 47.0, kLon = 32.0, kT0 = 1.7e9;

// A drone flying straight past a 3D radar: one confirmed track, accurate, emitted
// only once confirmed (3 of 5), with drone kinematics.
TEST(Tracker, ConfirmsAndFollowsConstantVelocityTarget) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(1);
  double sum2 = 0, raw2 = 0;
  int n = 0;
  for (int k = 0; k < 100; ++k) {
    const double t = kT0 + 4.0 * k;
    const Vec3 truth = Local(kLat, kLon, 30000.0 + 50.0 * 4.0 * k, 20000.0, 1500.0);
    const auto plot = Plot(sensors.sensors()[0], truth, t, &rng);
    tracker.Process(plot);
    if (k == 1) {
      EXPECT_TRUE(rec.updates.empty()) << "tentative tracks stay silent";
    }
    if (k == 2) {
      EXPECT_EQ(rec.updates.size(), 1u) << "confirmed on the third plot";
    }
    if (k >= 20 && !rec.updates.empty()) {
      sum2 += std::pow(Distance(rec.updates.back(), truth), 2);
      Vec3 z;
      Mat3 cov;
      ConvertPlot(MakeSensorFrame(kLat, kLon, 100.0), plot.range_m, plot.azimuth_deg, *plot.elevation_deg, 1, 1, 1, &z,
                  &cov);
      raw2 += (z - truth).squaredNorm();
      ++n;
    }
  }
  ASSERT_EQ(rec.CountById().size(), 1u);
  EXPECT_EQ(rec.updates.front().id.str(), "trk-1");
  EXPECT_EQ(rec.updates.back().status, TrackStatus::kConfirmed);
  EXPECT_EQ(rec.updates.back().updates, 100);
  EXPECT_TRUE(rec.updates.back().alt_known);
  EXPECT_NEAR(rec.updates.back().vel_east, 50.0, 5.0);
  EXPECT_NEAR(rec.updates.back().vel_north, 0.0, 5.0);
  EXPECT_EQ(rec.updates.back().category, ThreatCategory::kDrone);
  // The filtered track is well inside the raw plots' 3D error (~200 m at 40 km).
  const double rmse = std::sqrt(sum2 / n), raw = std::sqrt(raw2 / n);
  EXPECT_LT(rmse, 0.7 * raw) << "raw plot RMSE " << raw;
  EXPECT_GT(rec.updates.back().pos_sigma.value(), 5.0);
  EXPECT_LT(rec.updates.back().pos_sigma.value(), 150.0);
  EXPECT_EQ(tracker.live_tracks(), 1u);
}

// Two drones on crossing paths at different altitudes keep their own tracks.
TEST(Tracker, CrossingTargetsDoNotSwap) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(2);
  auto a = [](double s) { return Local(kLat, kLon, 20000.0 + 60.0 * s, 40000.0 + 60.0 * s, 1000.0); };
  auto b = [](double s) { return Local(kLat, kLon, 20000.0 + 60.0 * s, 52000.0 - 60.0 * s, 3000.0); };
  std::map<std::string, int> near_a, near_b;
  for (int k = 0; k < 50; ++k) {
    const double s = 4.0 * k;
    tracker.Process(Plot(sensors.sensors()[0], a(s), kT0 + s, &rng));
    tracker.Process(Plot(sensors.sensors()[0], b(s), kT0 + s + 0.01, &rng));
  }
  for (const auto& u : rec.updates) {
    const double s = u.time.seconds() - kT0;
    if (Distance(u, a(s)) < 500.0) ++near_a[u.id.str()];
    if (Distance(u, b(s)) < 500.0) ++near_b[u.id.str()];
  }
  ASSERT_EQ(near_a.size(), 1u);
  ASSERT_EQ(near_b.size(), 1u);
  EXPECT_NE(near_a.begin()->first, near_b.begin()->first);
  EXPECT_GE(near_a.begin()->second, 45);
  EXPECT_GE(near_b.begin()->second, 45);
}

// Clutter uniform over the coverage (5 plots per scan) never makes a confirmed track.
TEST(Tracker, ClutterOnlyGivesNoConfirmedTracks) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int scan = 0; scan < 500; ++scan) {
    for (int i = 0; i < 5; ++i) {
      ingest::Report r;
      r.sensor = SensorId("R1");
      r.time = UnixTime(kT0 + 4.0 * scan + 0.8 * i);
      r.range_m = 5000.0 + 295000.0 * std::sqrt(u(rng));
      r.azimuth_deg = 360.0 * u(rng);
      r.elevation_deg = 0.5 + 1.5 * u(rng);
      tracker.Process(r);
    }
  }
  EXPECT_TRUE(rec.updates.empty());
  EXPECT_TRUE(rec.ends.empty());
  EXPECT_EQ(tracker.confirmed_tracks(), 0u);
  EXPECT_GT(tracker.stats().tracks_started, 2000u);
  EXPECT_LT(tracker.live_tracks(), 40u) << "tentative tracks die";
}

// M of N: two plots, a gap of more than N periods, then plots again: not confirmed
// by the old plots; a fresh run of three confirms.
TEST(Tracker, ConfirmationNeedsMOfN) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  auto at = [](double s) { return Local(kLat, kLon, 30000.0 + 40.0 * s, 10000.0, 800.0); };
  const auto& d = sensors.sensors()[0];
  tracker.Process(Plot(d, at(0), kT0, nullptr));
  tracker.Process(Plot(d, at(4), kT0 + 4, nullptr));
  tracker.Advance(UnixTime(kT0 + 40));
  EXPECT_EQ(tracker.live_tracks(), 0u);
  tracker.Process(Plot(d, at(40), kT0 + 40, nullptr));
  tracker.Process(Plot(d, at(44), kT0 + 44, nullptr));
  EXPECT_TRUE(rec.updates.empty());
  // Two missed scans, then the third hit inside 5 periods: confirmed (3 of 5).
  tracker.Process(Plot(d, at(56), kT0 + 56, nullptr));
  ASSERT_EQ(rec.updates.size(), 1u);
  EXPECT_EQ(rec.updates[0].id.str(), "trk-2");
}

// A confirmed track ends (kLost) after its silence limit, and only once.
TEST(Tracker, DeletesAfterSilence) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  const auto& d = sensors.sensors()[0];
  for (int k = 0; k < 10; ++k) {
    tracker.Process(Plot(d, Local(kLat, kLon, 30000.0 + 200.0 * k, 0, 500), kT0 + 4 * k, nullptr));
  }
  ASSERT_FALSE(rec.updates.empty());
  tracker.Advance(UnixTime(kT0 + 36 + cfg.confirmed_silence_s - 2));
  EXPECT_TRUE(rec.ends.empty());
  tracker.Advance(UnixTime(kT0 + 36 + cfg.confirmed_silence_s + 2));
  ASSERT_EQ(rec.ends.size(), 1u);
  EXPECT_EQ(rec.ends[0].reason, TrackEndReason::kLost);
  EXPECT_EQ(rec.ends[0].id, rec.updates.back().id);
  tracker.Advance(UnixTime(kT0 + 1000));
  EXPECT_EQ(rec.ends.size(), 1u);
  EXPECT_EQ(tracker.live_tracks(), 0u);
}

// Regression (gaza-rockets): 3-4 plots of different rockets of a barrage make a
// confirmed "track" at 400-2,800 m/s that is never updated again and has no class yet;
// it stayed alive (and alerting) for confirmed_silence_s = 90 s. Nothing that fast
// loiters unseen: it ends after the ballistic silence.
TEST(Tracker, UnclassifiedFastTrackStarvedAfterConfirmationEndsAtTheBallisticSilence) {
  // A coarse radar far away: four plots leave the velocity too vague to classify.
  auto radar = testing::Radar3d("R1", kLat, kLon, 2.0);
  radar.sigma.azimuth_deg = 1.0;
  radar.sigma.elevation_deg = 1.0;
  ingest::SensorIndex sensors({radar});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  const auto& d = sensors.sensors()[0];
  std::mt19937_64 rng(7);
  const int plots = cfg.confirm_m_fast;
  for (int k = 0; k < plots; ++k) {
    tracker.Process(Plot(d, Local(kLat, kLon, 60000.0 + 3000.0 * k, 0, 5000), kT0 + 2 * k, &rng));
  }
  ASSERT_FALSE(rec.updates.empty());
  ASSERT_EQ(rec.updates.back().category, ThreatCategory::kUnknown) << "the case needs a track with no class yet";
  const double last = kT0 + 2 * (plots - 1);
  ASSERT_LT(cfg.ballistic_silence_s + 2, cfg.confirmed_silence_s);
  tracker.Advance(UnixTime(last + cfg.ballistic_silence_s - 2));
  EXPECT_TRUE(rec.ends.empty());
  tracker.Advance(UnixTime(last + cfg.ballistic_silence_s + 2));
  ASSERT_EQ(rec.ends.size(), 1u) << "a 1,500 m/s track silent for " << cfg.ballistic_silence_s + 2 << " s still lives";
  EXPECT_EQ(rec.ends[0].id, rec.updates.back().id);
}

// A drone heard by two acoustic sensors: the bearings triangulate a track that then
// follows the drone with bearing-only updates.
TEST(Tracker, AcousticBearingsTriangulateAndTrack) {
  const auto a = testing::Acoustic("AC-1", kLat, kLon);
  const auto b = testing::Acoustic("AC-2", kLat, kLon + 0.07);  // ~5.3 km east
  ingest::SensorIndex sensors({a, b});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(5);
  auto at = [](double s) { return Local(kLat, kLon, 1000.0 + 40.0 * s, 3000.0 - 10.0 * s, 1000.0); };
  for (int k = 0; k < 20; ++k) {
    const double s = 3.0 * k;
    tracker.Process(testing::Bearing(a, at(s), kT0 + s, &rng));
    tracker.Process(testing::Bearing(b, at(s + 0.5), kT0 + s + 0.5, &rng));
  }
  ASSERT_FALSE(rec.updates.empty());
  EXPECT_EQ(rec.CountById().size(), 1u);
  const auto& last = rec.updates.back();
  const Vec3 truth = at(last.time.seconds() - kT0);
  const Vec3 p = ToEcef(last.position.lat, last.position.lon, 1000.0);
  EXPECT_LT((p - truth).norm(), 800.0);
  EXPECT_FALSE(last.alt_known);
}

// kyiv-combined-night: low cruise missiles between radars were heard by one acoustic
// sensor at a time and never tracked (bearings waited for a second sensor).
TEST(Tracker, CruiseMissileHeardByOneAcousticSensorIsTracked) {
  const auto a = testing::Acoustic("AC-1", kLat, kLon);
  ingest::SensorIndex sensors({a});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(7);
  auto at = [](double s) { return Local(kLat, kLon, -3000.0 + 250.0 * s, 2000.0, 60.0); };
  for (int k = 0; k < 8; ++k) tracker.Process(testing::Bearing(a, at(3.0 * k), kT0 + 3.0 * k, &rng));
  ASSERT_FALSE(rec.updates.empty()) << "confirmed from one sensor's bearings";
  EXPECT_EQ(rec.CountById().size(), 1u);
  const auto& last = rec.updates.back();
  const Vec3 p = ToEcef(last.position.lat, last.position.lon, 60.0);
  EXPECT_LT((p - at(last.time.seconds() - kT0)).norm(), a.max_range_m) << "within the hearing range";
}

// kyiv-combined-night: a cruise missile reported only by the observer network (one
// report per few minutes, almost no false reports) was never confirmed and missed.
ingest::SensorDescription ObserverNetwork() {
  ingest::SensorDescription obs;
  obs.id = SensorId("OBS");
  obs.type = ingest::SensorType::kObserver;
  obs.period_s = 90.0;
  obs.p_detect = 0.2;
  obs.false_per_scan = 0.02;
  obs.sigma.position_m = 2000.0;
  return obs;
}

ingest::Report ObserverReport(LatLon at, double t, std::optional<ThreatCategory> hint) {
  ingest::Report r;
  r.sensor = SensorId("OBS");
  r.time = UnixTime(t);
  r.kind = ingest::ReportKind::kPosition;
  r.position = at;
  r.sigma_m = 2000.0;
  r.class_hint = hint;
  return r;
}

TEST(Tracker, ObserverReportConfirmsAtOnceAndTakesNoClutter) {
  const ingest::SensorDescription obs = ObserverNetwork();
  const auto radar = testing::Radar3d("R1", kLat, kLon, 10.0);
  ingest::SensorIndex sensors({obs, radar});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  ingest::Report r;
  r.sensor = obs.id;
  r.time = UnixTime(kT0);
  r.kind = ingest::ReportKind::kPosition;
  r.position = {kLat + 0.3, kLon + 0.3};
  r.sigma_m = 2000.0;
  r.class_hint = ThreatCategory::kCruiseMissile;
  tracker.Process(r);
  ASSERT_EQ(rec.updates.size(), 1u) << "confirmed at its first report";
  EXPECT_EQ(rec.updates[0].status, TrackStatus::kConfirmed);
  EXPECT_GE(rec.updates[0].vel_sigma.value(), 250.0) << "a cruise missile may fly anywhere at 250 m/s";
  // A radar plot 60 km away two minutes later must not be swallowed by the vague track.
  std::mt19937_64 rng(3);
  tracker.Process(testing::Plot(radar, Local(kLat, kLon, -40000.0, -40000.0, 5000.0), kT0 + 120.0, &rng));
  EXPECT_EQ(rec.updates.size(), 1u);
  // The next observer report 360 s later, 80 km on, continues the same track.
  r.time = UnixTime(kT0 + 360.0);
  r.position = {kLat + 0.3 + 0.72, kLon + 0.3};
  tracker.Process(r);
  ASSERT_EQ(rec.updates.size(), 2u);
  EXPECT_EQ(rec.updates[1].id, rec.updates[0].id);
}

// A 2D radar (range, azimuth) confirms a track whose horizontal position is right
// while its altitude stays unknown.
TEST(Tracker, TwoDimensionalRadarTracksHorizontally) {
  ingest::SensorIndex sensors({testing::Radar2d("R2", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(6);
  Vec3 truth;
  for (int k = 0; k < 30; ++k) {
    const double s = 10.0 * k;
    truth = Local(kLat, kLon, -60000.0 + 200.0 * s, 50000.0, 3000.0);
    tracker.Process(Plot(sensors.sensors()[0], truth, kT0 + s, &rng));
  }
  ASSERT_FALSE(rec.updates.empty());
  EXPECT_EQ(rec.CountById().size(), 1u);
  const auto& u = rec.updates.back();
  EXPECT_FALSE(u.alt_known);
  const Geodetic g = ToGeodetic(truth);
  EXPECT_LT(GeodesicDistance(u.position, {g.lat, g.lon}).value(), 1500.0);
  EXPECT_NEAR(std::hypot(u.vel_east, u.vel_north), 200.0, 30.0);
}

// A ballistic missile seen by a 3D radar: classified ballistic, switched to the
// ballistic model, and ends as an impact.
TEST(Tracker, BallisticTargetEndsInImpact) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(8);
  // A vacuum arc: launched 100 km north of the radar towards it, 1,200 m/s at 45 deg.
  const SensorFrame f = MakeSensorFrame(kLat, kLon, 0.0);
  Vec6 x;
  x.head<3>() = f.FromEnu(Vec3(0, 100000.0, 0));
  x.tail<3>() = f.enu_to_ecef * Vec3(0, -850.0, 850.0);
  Mat6 p = Mat6::Identity();
  MotionParams mp = ParamsFor(MotionModel::kBallistic, cfg);
  mp.ballistic_coefficient = 0.0;
  double t = 0.0;
  PredictState(mp, 10.0, &x, &p);
  t = 10.0;
  while (ToGeodetic(x.head<3>()).alt > 3000.0) {
    tracker.Process(Plot(sensors.sensors()[0], x.head<3>(), kT0 + t, &rng));
    PredictState(mp, 4.0, &x, &p);
    t += 4.0;
  }
  ASSERT_FALSE(rec.updates.empty());
  EXPECT_EQ(rec.CountById().size(), 1u);
  EXPECT_EQ(rec.updates.back().category, ThreatCategory::kBallisticMissile);
  tracker.Advance(UnixTime(kT0 + t + 30.0));
  ASSERT_EQ(rec.ends.size(), 1u);
  EXPECT_EQ(rec.ends[0].reason, TrackEndReason::kImpact);
}

// Non-finite or out-of-range values are counted and ignored; nothing crashes.
TEST(Tracker, BadValuesAreIgnoredAndCounted) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon), testing::Acoustic("AC-1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  ingest::Report r;
  r.sensor = SensorId("R1");
  r.time = UnixTime(kT0);
  r.range_m = std::nan("");
  r.azimuth_deg = 10;
  r.elevation_deg = 1;
  tracker.Process(r);
  r.range_m = 1000;
  r.azimuth_deg = std::numeric_limits<double>::infinity();
  tracker.Process(r);
  r.time = UnixTime(std::nan(""));
  tracker.Process(r);
  ingest::Report b;
  b.sensor = SensorId("AC-1");
  b.kind = ingest::ReportKind::kBearing;
  b.time = UnixTime(kT0);
  b.azimuth_deg = std::nan("");
  tracker.Process(b);
  EXPECT_EQ(tracker.stats().unusable, 4u);
  EXPECT_EQ(tracker.live_tracks(), 0u);
}

// Radar plots arriving a few seconds out of order still update the same track.
TEST(Tracker, OutOfOrderPlotsKeepOneTrack) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon), testing::Radar3d("R2", kLat + 0.3, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(9);
  auto at = [](double s) { return Local(kLat, kLon, 20000.0 + 50.0 * s, 10000.0, 1200.0); };
  for (int k = 0; k < 30; ++k) {
    const double s = 4.0 * k;
    tracker.Process(Plot(sensors.sensors()[0], at(s + 2.0), kT0 + s + 2.0, &rng));
    tracker.Process(Plot(sensors.sensors()[1], at(s), kT0 + s, &rng));  // 2 s late
  }
  EXPECT_EQ(rec.CountById().size(), 1u);
  ASSERT_FALSE(rec.updates.empty());
  EXPECT_GE(rec.updates.back().updates, 55);
  EXPECT_LT(Distance(rec.updates.back(), at(rec.updates.back().time.seconds() - kT0)), 300.0);
}

TEST(Tracker, UnknownSensorIsIgnoredAndCounted) {
  ingest::SensorIndex sensors({testing::Radar3d("R1", kLat, kLon)});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  ingest::Report r;
  r.sensor = SensorId("NOPE");
  tracker.Process(r);
  EXPECT_EQ(tracker.stats().unknown_sensor, 1u);
  EXPECT_EQ(tracker.live_tracks(), 0u);
}

}  // namespace
}  // namespace tocsin::track

namespace tocsin::track {
namespace {

// odesa-drones seed 3: two observer reports of "unknown" threats 40 km and 48 s apart
// were joined into one 825 m/s track (observer tracks have a 300 m/s velocity prior,
// so the statistical gate was 50 km wide); its corridor alerted 378 zones.
TEST(Tracker, ObserverReportsFartherApartThanAnAirBreatherFliesStartTheirOwnTracks) {
  ingest::SensorIndex sensors({ObserverNetwork()});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  const LatLon a{kLat, kLon};
  tracker.Process(ObserverReport(a, kT0, ThreatCategory::kUnknown));
  tracker.Process(ObserverReport({kLat + 0.36, kLon}, kT0 + 48.0, ThreatCategory::kUnknown));  // 40 km: 833 m/s
  ASSERT_EQ(rec.updates.size(), 2u);
  EXPECT_NE(rec.updates[1].id, rec.updates[0].id);
  // 9 km on after 96 s (94 m/s) is the first threat again.
  tracker.Process(ObserverReport({kLat - 0.08, kLon}, kT0 + 96.0, ThreatCategory::kUnknown));
  ASSERT_EQ(rec.updates.size(), 3u);
  EXPECT_EQ(rec.updates[2].id, rec.updates[0].id);
}

// kyiv-combined-night seed 3, D0202: a Shahed tracked by a 2D radar, last reported by an
// observer, went unseen; 215 s later an observer report of ANOTHER drone 37 km away
// (172 m/s from its last position) joined it and made it a 254 m/s "drone" heading
// the wrong way: its zones' alerts ended with the drone inside.
TEST(Tracker, ObserverReportOfAnotherDroneDoesNotJoinASilentDroneTrack) {
  auto radar = testing::Radar2d("R2D", kLat, kLon, 12.0);
  radar.sigma.azimuth_deg = 2.0;  // a coarse long-range 2D radar: velocity known to ~40 m/s
  ingest::SensorIndex sensors({ObserverNetwork(), radar});
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker(sensors, cfg, rec);
  std::mt19937_64 rng(5);
  double t = kT0;
  Vec3 truth;
  for (int k = 0; k < 12; ++k, t += 12.0) {  // 35 m/s due west, 125 km from the radar
    truth = Local(kLat, kLon, 120000.0 - 35.0 * 12.0 * k, 30000.0, 500.0);
    tracker.Process(testing::Plot(radar, truth, t, &rng));
  }
  ASSERT_FALSE(rec.updates.empty());
  const TrackId drone = rec.updates.back().id;
  ASSERT_EQ(rec.updates.back().category, ThreatCategory::kDrone);
  ASSERT_GE(rec.updates.back().category_confidence, cfg.drone_gate_min_confidence);
  const Geodetic g = ToGeodetic(truth);
  tracker.Process(ObserverReport({g.lat, g.lon}, t, ThreatCategory::kDrone));
  ASSERT_EQ(rec.updates.back().id, drone);
  ASSERT_GT(rec.updates.back().vel_sigma.value(), 35.0) << "the case needs a vague velocity";
  const std::size_t before = rec.updates.size();
  // 215 s later, 32 km north-west of where the drone was last seen (149 m/s), inside
  // the statistical gate of its vague velocity.
  const LatLon seen = GeodesicDestination({g.lat, g.lon}, -51.0, Metres(32000.0));
  tracker.Process(ObserverReport(seen, t + 215.0, ThreatCategory::kDrone));
  ASSERT_EQ(rec.updates.size(), before + 1);
  EXPECT_NE(rec.updates.back().id, drone) << "joined at " << rec.updates.back().vel_east << ", "
                                          << rec.updates.back().vel_north << " m/s";
}

// A 3D radar (10 s scans) and the observer network, both feeding one tracker.
struct RadarAndObservers {
  ingest::SensorDescription radar = testing::Radar3d("R1", kLat, kLon, 10.0);
  ingest::SensorIndex sensors{{radar, ObserverNetwork()}};
  TrackerConfig cfg;
  Recorder rec;
  Tracker tracker{sensors, cfg, rec};
  std::mt19937_64 rng{3};
};

// kyiv-combined-night seeds 1 and 3 (cruise missiles C0013, C0017): sightings of a
// missile went into a tentative track and stayed silent: a sighting makes the track's
// silence limit the observer's revisit, so it lived on for minutes, past its M-of-N
// window, and took the next sightings silently too; zones the missile entered were missed.
TEST(Tracker, SightingJoiningATentativeTrackConfirmsIt) {
  RadarAndObservers f;
  auto& [radar, sensors, cfg, rec, tracker, rng] = f;
  auto at = [](double s) { return Local(kLat, kLon, 20000.0 + 50.0 * s, 0.0, 500.0); };
  auto sighting = [&](double s) {
    const Geodetic g = ToGeodetic(at(s));
    tracker.Process(ObserverReport({g.lat, g.lon}, kT0 + s, ThreatCategory::kCruiseMissile));
  };
  tracker.Process(testing::Plot(radar, at(0.0), kT0, &rng));  // one plot, then out of cover
  sighting(5.0);
  ASSERT_EQ(tracker.live_tracks(), 1u) << "the sighting joined the radar's tentative track";
  ASSERT_TRUE(rec.updates.empty());
  sighting(200.0);  // long past the 3-of-5 window (50 s)
  ASSERT_EQ(tracker.live_tracks(), 1u);
  ASSERT_EQ(rec.updates.size(), 1u) << "the next sighting confirms it";
  EXPECT_EQ(rec.updates[0].status, TrackStatus::kConfirmed);
  EXPECT_DOUBLE_EQ(rec.updates[0].time.seconds(), kT0 + 200.0);
}

// israel-iran-salvo / kyiv-combined-night: a one-plot radar track (clutter; velocity
// prior 2 km/s, so a statistical gate of tens of km) took sightings of drones far
// away, silently, instead of letting them start their own confirmed tracks.
TEST(Tracker, SightingFartherThanAnAirBreatherFliesFromAOnePlotTrackStartsItsOwn) {
  RadarAndObservers f;
  auto& [radar, sensors, cfg, rec, tracker, rng] = f;
  tracker.Process(testing::Plot(radar, Local(kLat, kLon, 20000.0, 0.0, 1000.0), kT0, &rng));
  ASSERT_EQ(tracker.live_tracks(), 1u);
  // 15 km on after 10 s (1.5 km/s): inside the one-plot track's gate, beyond any drone.
  const Geodetic g = ToGeodetic(Local(kLat, kLon, 35000.0, 0.0, 1000.0));
  tracker.Process(ObserverReport({g.lat, g.lon}, kT0 + 10.0, ThreatCategory::kDrone));
  EXPECT_EQ(tracker.live_tracks(), 2u);
  ASSERT_EQ(rec.updates.size(), 1u) << "the sighting is a confirmed track of its own";
  EXPECT_EQ(rec.updates[0].status, TrackStatus::kConfirmed);
}

}  // namespace
}  // namespace tocsin::track
