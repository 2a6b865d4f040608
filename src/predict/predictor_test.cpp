#include "predict/predictor.h"

#include <cmath>
#include <variant>

#include <gtest/gtest.h>

#include "core/geo.h"

namespace tocsin::predict {
namespace {

track::TrackUpdate Drone(double t = 1000.0) {
  track::TrackUpdate u;
  u.id = TrackId("trk-1");
  u.time = UnixTime(t);
  u.status = track::TrackStatus::kConfirmed;
  u.position = {46.5, 30.7};
  u.alt_m = 1000;
  u.alt_known = true;
  u.vel_east = 50.0;  // flying due east
  u.pos_sigma = Metres(200);
  u.vel_sigma = MetresPerSecond(3);
  u.category = ThreatCategory::kDrone;
  u.confidence = 0.9;
  return u;
}

// Distance from p to the geodesic segment a-b, sampled (test helper).
double DistanceToSegment(LatLon p, LatLon a, LatLon b) {
  double best = 1e300;
  const double len = GeodesicDistance(a, b).value();
  const double az = GeodesicAzimuth(a, b);
  for (int i = 0; i <= 200; ++i) {
    best = std::min(best, GeodesicDistance(p, GeodesicDestination(a, az, Metres(len * i / 200))).value());
  }
  return best;
}

// The earliest arrival over the alert pieces whose shape contains p; +inf if none.
double EarliestAlertArrival(const alert::Danger& d, LatLon p) {
  double best = INFINITY;
  for (const auto& a : d.areas) {
    if (a.prealert_only) continue;
    bool inside = false;
    if (auto* disc = std::get_if<alert::Disc>(&a.shape)) {
      inside = GeodesicDistance(p, disc->centre) <= disc->radius;
    } else if (auto* c = std::get_if<alert::Corridor>(&a.shape)) {
      for (std::size_t i = 0; i + 1 < c->polyline.size(); ++i) {
        inside |= DistanceToSegment(p, c->polyline[i], c->polyline[i + 1]) <= c->half_width.value();
      }
    }
    if (inside) best = std::min(best, a.earliest_arrival.seconds());
  }
  return best;
}

TEST(PredictorTest, DroneCorridorCoversPathAheadWithArrivalNotLaterThanTruth) {
  Predictor p;
  const auto u = Drone();
  const alert::Danger d = p.Compute(u);
  ASSERT_FALSE(d.areas.empty());
  EXPECT_EQ(d.track, u.id);
  // Points straight ahead at 30 s .. 600 s of flight are covered, and the danger's
  // earliest arrival is never later than the real arrival (t + distance / speed).
  for (double s : {30.0, 90.0, 150.0, 300.0, 600.0}) {
    const LatLon ahead = GeodesicDestination(u.position, 90.0, Metres(50.0 * s));
    const double arrival = EarliestAlertArrival(d, ahead);
    if (s <= 150) ASSERT_TRUE(std::isfinite(arrival)) << s;
    EXPECT_LE(arrival, s <= 150 ? u.time.seconds() + s : INFINITY) << s;
    // Not absurdly early: a zone 10 minutes of flight ahead is not within the alert
    // reach (shelter 90 s + lead 60 s) yet.
    if (s >= 600) EXPECT_GT(arrival, u.time.seconds() + 150.0) << s;
  }
  // 2 km off the current position in any direction: arrival now.
  EXPECT_EQ(EarliestAlertArrival(d, GeodesicDestination(u.position, 270.0, Metres(1900))), u.time.seconds());
}

TEST(PredictorTest, DroneCorridorDoesNotCoverTheWayBack) {
  Predictor p;
  const auto u = Drone();
  const alert::Danger d = p.Compute(u);
  const LatLon behind = GeodesicDestination(u.position, 270.0, Metres(20000));
  EXPECT_FALSE(std::isfinite(EarliestAlertArrival(d, behind)));
  const LatLon abeam = GeodesicDestination(u.position, 0.0, Metres(30000));
  EXPECT_FALSE(std::isfinite(EarliestAlertArrival(d, abeam)));
}

TEST(PredictorTest, TurnEnvelopeWidensWithTime) {
  Predictor p;
  const alert::Danger d = p.Compute(Drone());
  double prev = 0;
  for (const auto& a : d.areas) {
    if (auto* c = std::get_if<alert::Corridor>(&a.shape)) {
      EXPECT_GE(c->half_width.value(), prev);
      EXPECT_GE(c->half_width.value(), 2000.0 + 3 * 200.0);
      prev = c->half_width.value();
    }
  }
  EXPECT_GT(prev, 10000.0);
  EXPECT_LE(prev, 15000.0);  // the pre-alert piece's cap
}

TEST(PredictorTest, VacuumPropagationMatchesTheClosedForm) {
  // z0 = 10 km, v = (300, 0, 100): t = (vz + sqrt(vz^2 + 2 g z0)) / g.
  const double g = 9.80665;
  const double t = (100 + std::sqrt(100.0 * 100 + 2 * g * 10000)) / g;
  auto imp = PropagateToGround(0, 0, 10000, 300, 0, 100, 0.0);
  ASSERT_TRUE(imp.has_value());
  EXPECT_NEAR(imp->t, t, 1.0);
  EXPECT_NEAR(imp->x, 300 * t, 400.0);
  EXPECT_NEAR(imp->y, 0, 1e-6);
}

TEST(PredictorTest, BallisticEllipseContainsThePredictedImpact) {
  Predictor p;
  track::TrackUpdate u = Drone();
  u.category = ThreatCategory::kBallisticMissile;
  u.alt_m = 30000;
  u.vel_east = 0;
  u.vel_north = 1200;
  u.vel_up = -600;
  u.vel_sigma = MetresPerSecond(20);
  u.alt_sigma_m = 300;
  const alert::Danger d = p.Compute(u);
  const alert::Ellipse* e = nullptr;
  UnixTime earliest, latest;
  for (const auto& a : d.areas) {
    if (auto* x = std::get_if<alert::Ellipse>(&a.shape); x && !a.prealert_only) {
      e = x;
      earliest = a.earliest_arrival;
      latest = a.latest_departure;
    }
  }
  ASSERT_NE(e, nullptr);
  auto imp = PropagateToGround(0, 0, 30000, 0, 1200, -600, 20000.0);
  ASSERT_TRUE(imp.has_value());
  const LatLon impact = GeodesicDestination(u.position, 0.0, Metres(imp->y));
  EXPECT_LT(GeodesicDistance(impact, e->centre).value(), e->semi_minor.value());
  EXPECT_GE(e->semi_minor.value(), 2000.0);
  EXPECT_LT(e->semi_major.value(), 40000.0);
  EXPECT_LE(earliest.seconds(), u.time.seconds() + imp->t);
  EXPECT_GE(latest.seconds(), u.time.seconds() + imp->t);
  // The impact is north, well away from the track's ground point.
  EXPECT_GT(GeodesicDistance(u.position, e->centre).value(), 20000.0);
}

TEST(PredictorTest, RateLimitedPerCategoryExceptOnCategoryChange) {
  Predictor p;
  auto u = Drone(1000.0);
  EXPECT_TRUE(p.OnUpdate(u).has_value());
  u.time = UnixTime(1000.4);
  EXPECT_FALSE(p.OnUpdate(u).has_value());
  u.category = ThreatCategory::kCruiseMissile;
  EXPECT_TRUE(p.OnUpdate(u).has_value());  // category change
  u.time = UnixTime(1001.5);
  EXPECT_FALSE(p.OnUpdate(u).has_value());  // cruise: every 2 s (its near disc still holds it)
  u.time = UnixTime(1002.5);
  EXPECT_TRUE(p.OnUpdate(u).has_value());
  u.category = ThreatCategory::kBallisticMissile;
  u.time = UnixTime(1002.6);
  EXPECT_TRUE(p.OnUpdate(u).has_value());  // category change
  u.time = UnixTime(1003.7);
  EXPECT_TRUE(p.OnUpdate(u).has_value());  // ballistic: every second
  u.category = ThreatCategory::kDrone;
  u.time = UnixTime(1003.8);
  EXPECT_TRUE(p.OnUpdate(u).has_value());  // category change
  u.time = UnixTime(1005.0);
  EXPECT_FALSE(p.OnUpdate(u).has_value());  // drone: every 2 s
  u.time = UnixTime(1005.9);
  EXPECT_TRUE(p.OnUpdate(u).has_value());
  EXPECT_EQ(p.skipped(), 3u);
}

TEST(PredictorTest, TentativeTracksMakeNoDanger) {
  Predictor p;
  auto u = Drone();
  u.status = track::TrackStatus::kTentative;
  EXPECT_FALSE(p.OnUpdate(u).has_value());
}

TEST(PredictorTest, NonFiniteStateGivesNoPieces) {
  Predictor p;
  auto u = Drone();
  u.vel_east = NAN;
  EXPECT_TRUE(p.Compute(u).areas.empty());
}

TEST(PredictorTest, EndReasons) {
  Predictor p;
  EXPECT_EQ(p.OnEnd({TrackId("trk-1"), UnixTime(1), track::TrackEndReason::kLost}).reason, alert::EndReason::kTrackLost);
  EXPECT_EQ(p.OnEnd({TrackId("trk-1"), UnixTime(1), track::TrackEndReason::kImpact}).reason,
            alert::EndReason::kThreatPassed);
}

}  // namespace
}  // namespace tocsin::predict

namespace tocsin::predict {
namespace {

// One observer report of a cruise missile: heading unknown. The danger is rings of a
// disc growing at the category's top speed; a ring's earliest arrival is the flight
// time to its inner edge (so the engine alerts far zones only when they come near).
TEST(Predictor, UnknownHeadingGivesGrowingDiscsWithLaterArrivals) {
  track::TrackUpdate u = Drone();
  u.category = ThreatCategory::kCruiseMissile;
  u.vel_east = 0.0;
  u.vel_sigma = MetresPerSecond(300);
  u.pos_sigma = Metres(2000);
  const alert::Danger d = Predictor().Compute(u);
  const PredictorConfig c;
  double last_radius = 0.0, last_arrival = -1.0;
  int discs = 0;
  for (std::size_t i = 1; i < d.areas.size(); ++i) {  // [0] is the near disc
    const auto* disc = std::get_if<alert::Disc>(&d.areas[i].shape);
    ASSERT_NE(disc, nullptr) << "piece " << i << " is a disc";
    EXPECT_GT(disc->radius.value(), last_radius);
    EXPECT_GT(d.areas[i].earliest_arrival.seconds(), last_arrival);
    // Never later than a straight flight at the top speed could arrive.
    const double inner = last_radius;
    EXPECT_LE(d.areas[i].earliest_arrival.seconds() - 1000.0,
              std::max(0.0, (inner - c.zone_margin_m - c.sigma_k * 2000.0) / c.cruise_max_speed_mps) + 1e-6);
    last_radius = disc->radius.value();
    last_arrival = d.areas[i].earliest_arrival.seconds();
    ++discs;
  }
  EXPECT_GE(discs, 8);
}

// odesa-drones seed 1: an observer-only "drone" (sigma 1.5 km) whose second and third
// reports were of other drones got 700-1,000 m/s and alerted 240 km corridors along a
// meaningless heading. A vague drone track faster than any air-breathing threat gets
// growing discs at the drone ceiling instead; a precise (radar) track keeps its corridor.
TEST(Predictor, VagueObserverTrackAt1000MpsGetsDiscsNotACorridor) {
  track::TrackUpdate u = Drone();
  u.pos_sigma = Metres(1500);
  u.vel_east = 1000.0;
  u.vel_sigma = MetresPerSecond(200);
  const PredictorConfig c;
  const alert::Danger d = Predictor().Compute(u);
  ASSERT_GE(d.areas.size(), 2u);
  const auto* ring = std::get_if<alert::Disc>(&d.areas[1].shape);
  ASSERT_NE(ring, nullptr) << "heading unknown: rings, not a corridor";
  EXPECT_NEAR(ring->radius.value(), c.zone_margin_m + c.sigma_k * 1500.0 + c.drone_max_speed_mps * c.piece_s, 1.0);

  u.pos_sigma = Metres(200);  // radar quality: the measured speed is believed
  const alert::Danger precise = Predictor().Compute(u);
  ASSERT_GE(precise.areas.size(), 2u);
  EXPECT_NE(std::get_if<alert::Corridor>(&precise.areas[1].shape), nullptr);
}

}  // namespace
}  // namespace tocsin::predict

namespace tocsin::predict {
namespace {

track::TrackUpdate Seen(track::TrackUpdate u, double t, int updates) {
  u.time = UnixTime(t);
  u.updates = updates;
  const double dt = t - 1000.0;
  u.position = GeodesicDestination(Drone().position, 90.0, Metres(u.vel_east * dt));
  return u;
}

// A Shahed that leaves radar cover keeps flying: 745 s unseen in kyiv-combined-night
// before it entered a zone. The coast danger must alert the path that far ahead.
TEST(PredictorLostTrackTest, LostDroneCoastsAlertPiecesAlongItsPathForTheLostReach) {
  Predictor p;
  ASSERT_TRUE(p.OnUpdate(Seen(Drone(), 1000.0, 40)));
  const EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
  EXPECT_EQ(end.reason, alert::EndReason::kTrackLost);
  ASSERT_TRUE(end.coast.has_value());
  EXPECT_TRUE(end.dead_reckoning);
  // 700 s of flight ahead at 50 m/s = 35 km east: an alert piece reaches it, with an
  // arrival no later than the truth's.
  const LatLon ahead = GeodesicDestination(Drone().position, 90.0, Metres(50.0 * 700));
  EXPECT_LE(EarliestAlertArrival(*end.coast, ahead), 1000.0 + 700.0);
  // A live track's alert pieces stop at alert_reach_s (240 s, 12 km).
  EXPECT_EQ(EarliestAlertArrival(p.Compute(Seen(Drone(), 1000.0, 40)), ahead), INFINITY);
  // Behind it, nothing.
  const LatLon behind = GeodesicDestination(Drone().position, 270.0, Metres(30000));
  EXPECT_EQ(EarliestAlertArrival(*end.coast, behind), INFINITY);
}

TEST(PredictorLostTrackTest, HeadingLostNearTheEndCoastsWithTheLastKnownHeading) {
  Predictor p;
  ASSERT_TRUE(p.OnUpdate(Seen(Drone(), 1000.0, 40)));
  auto vague = Seen(Drone(), 1100.0, 45);  // left with bearings: velocity unknown
  vague.vel_east = 2.0;
  vague.vel_sigma = MetresPerSecond(40.0);
  ASSERT_TRUE(p.OnUpdate(vague));
  const EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1190.0), track::TrackEndReason::kLost});
  ASSERT_TRUE(end.coast.has_value());
  const LatLon ahead = GeodesicDestination(vague.position, 90.0, Metres(50.0 * 600));
  EXPECT_LE(EarliestAlertArrival(*end.coast, ahead), 1100.0 + 600.0);
}

TEST(PredictorLostTrackTest, ShortOrImplausibleLostTracksOnlyKeepTheirLastDangerBriefly) {
  PredictorConfig c;
  for (int variant = 0; variant < 3; ++variant) {
    Predictor p(c);
    auto u = Seen(Drone(), 1000.0, 40);
    if (variant == 0) u.updates = 3;                       // too few measurements
    if (variant == 1) u.vel_east = 400.0;                  // not a drone's speed
    if (variant == 2) u.category = ThreatCategory::kUnknown;  // unclassified
    ASSERT_TRUE(p.OnUpdate(u));
    const EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
    ASSERT_TRUE(end.coast.has_value()) << variant;
    EXPECT_FALSE(end.dead_reckoning) << variant;
    for (const auto& a : end.coast->areas)
      EXPECT_LE(a.latest_departure.seconds(), 1090.0 + c.lost_hold_s + 1e-6) << variant;
  }
}

TEST(PredictorLostTrackTest, ImpactEndsHaveNoCoast) {
  Predictor p;
  ASSERT_TRUE(p.OnUpdate(Seen(Drone(), 1000.0, 40)));
  const EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1010.0), track::TrackEndReason::kImpact});
  EXPECT_EQ(end.reason, alert::EndReason::kThreatPassed);
  EXPECT_FALSE(end.coast.has_value());
}

TEST(PredictorLostTrackTest, NewTrackOnTheDeadReckonedPathReleasesTheCoastingTrack) {
  Predictor p;
  ASSERT_TRUE(p.OnUpdate(Seen(Drone(), 1000.0, 40)));
  p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
  auto again = Seen(Drone(), 1300.0, 8);  // where dead reckoning puts it
  again.id = TrackId("trk-9");
  ASSERT_TRUE(p.OnUpdate(again));
  const auto released = p.TakeHandovers();
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0], TrackId("trk-1"));
  EXPECT_TRUE(p.TakeHandovers().empty());
}

TEST(PredictorLostTrackTest, TrackAliveBeforeTheLossOrFarOffDoesNotReleaseIt) {
  Predictor p;
  auto other = Seen(Drone(), 990.0, 8);  // another drone, alive before trk-1 was lost
  other.id = TrackId("trk-2");
  ASSERT_TRUE(p.OnUpdate(other));
  ASSERT_TRUE(p.OnUpdate(Seen(Drone(), 1000.0, 40)));
  p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
  ASSERT_TRUE(p.OnUpdate(Seen(other, 1300.0, 20)));
  EXPECT_TRUE(p.TakeHandovers().empty());
  auto far = Seen(Drone(), 1300.0, 8);  // born after, but 40 km off the path
  far.id = TrackId("trk-3");
  far.position = GeodesicDestination(far.position, 0.0, Metres(40000));
  ASSERT_TRUE(p.OnUpdate(far));
  EXPECT_TRUE(p.TakeHandovers().empty());
}

// Israel-iran-salvo: drones intercepted inside radar cover coasted 15 minutes over
// dense alert areas. A drone that vanished where a radar could still see it is gone.
TEST(PredictorLostTrackTest, DroneThatVanishedInsideRadarCoverDoesNotDeadReckon) {
  ingest::SensorDescription radar;
  radar.id = SensorId("RAD-1");
  radar.type = ingest::SensorType::kRadar;
  radar.position = GeodesicDestination(Drone().position, 180.0, Metres(40000));
  radar.alt_m = 100.0;
  radar.max_range_m = 300000.0;
  Predictor p;
  p.SetRadars({radar});
  auto u = Seen(Drone(), 1000.0, 40);
  u.alt_m = 1500.0;
  ASSERT_TRUE(p.OnUpdate(u));
  EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
  ASSERT_TRUE(end.coast.has_value());
  for (const auto& a : end.coast->areas) EXPECT_LE(a.latest_departure.seconds(), 1090.0 + PredictorConfig{}.lost_hold_s + 1e-6);
  // The same drone 250 km from the radar at 100 m is below its horizon: it dead-reckons.
  radar.position = GeodesicDestination(Drone().position, 180.0, Metres(250000));
  p.SetRadars({radar});
  u.alt_m = 100.0;
  u.id = TrackId("trk-2");
  ASSERT_TRUE(p.OnUpdate(u));
  end = p.OnEnd({TrackId("trk-2"), UnixTime(1090.0), track::TrackEndReason::kLost});
  ASSERT_TRUE(end.coast.has_value());
  const LatLon ahead = GeodesicDestination(Drone().position, 90.0, Metres(50.0 * 700));
  EXPECT_LE(EarliestAlertArrival(*end.coast, ahead), 1000.0 + 700.0);
}

// gaza-rockets: rockets stay "unknown" until the classifier has 3 velocity samples;
// as corridors 240 s long at 500-800 m/s they alerted the whole district.
TEST(PredictorTest, UnclassifiedTrackFasterOrSteeperThanAnyAirBreatherGetsAnImpactEllipse) {
  Predictor p;
  auto u = Drone();
  u.category = ThreatCategory::kUnknown;
  u.vel_east = 500.0;
  u.vel_up = 250.0;
  u.alt_m = 1000.0;
  alert::Danger d = p.Compute(u);
  ASSERT_FALSE(d.areas.empty());
  EXPECT_TRUE(std::holds_alternative<alert::Ellipse>(d.areas[0].shape));
  u.vel_east = 280.0;  // below the cruise ceiling but climbing at 40 degrees
  u.vel_up = 230.0;
  d = p.Compute(u);
  ASSERT_FALSE(d.areas.empty());
  EXPECT_TRUE(std::holds_alternative<alert::Ellipse>(d.areas[0].shape));
  u.vel_east = 250.0;  // level flight at cruise speed: a corridor
  u.vel_up = 0.0;
  d = p.Compute(u);
  ASSERT_FALSE(d.areas.empty());
  EXPECT_FALSE(std::holds_alternative<alert::Ellipse>(d.areas[0].shape));
}

}  // namespace
}  // namespace tocsin::predict

namespace tocsin::predict {
namespace {

// A drone track made of one observer report: position known to 2 km, heading unknown.
track::TrackUpdate ObserverOnlyDrone() {
  track::TrackUpdate u = Drone();
  u.vel_east = 0.0;
  u.vel_sigma = MetresPerSecond(80);
  u.pos_sigma = Metres(2000);
  u.alt_known = false;
  return u;
}

// kyiv-combined-night seed 3, D0135: one observer report of a Shahed (heading unknown),
// no other report for 742 s; the drone entered a zone ~30 km away 590 s after the report.
// The rings reached 240 s of flight and were held 480 s: the zone was never alerted.
TEST(Predictor, ObserverOnlyDroneRingsReachAndHoldUntilItsNextReportCouldCome) {
  const track::TrackUpdate u = ObserverOnlyDrone();
  const alert::Danger d = Predictor().Compute(u);
  const LatLon zone = GeodesicDestination(u.position, 200.0, Metres(30000));  // 590 s at 51 m/s
  bool covered = false;
  for (const auto& a : d.areas) {
    const auto* disc = std::get_if<alert::Disc>(&a.shape);
    if (a.prealert_only || !disc || GeodesicDistance(zone, disc->centre) > disc->radius) continue;
    // Alerted by the time the drone can arrive, and still when it does arrive.
    if (a.earliest_arrival.seconds() - 1000.0 <= 30000.0 / PredictorConfig().drone_max_speed_mps + 1e-6 &&
        a.latest_departure.seconds() - 1000.0 >= 590.0)
      covered = true;
  }
  EXPECT_TRUE(covered);
}

}  // namespace
}  // namespace tocsin::predict

namespace tocsin::predict {
namespace {

// A single-bearing drone track updates every 3 s; each danger is a 900 s disc set over
// hundreds of zones (kyiv-combined-night replay 30 -> 50 s). The disc set computed from
// one position stays a superset of the reachable ground, so it is recomputed every
// vague_recompute_interval_s, but at once when the heading becomes known.
TEST(Predictor, UnknownHeadingDangerIsRecomputedAtMostEveryVagueIntervalUnlessTheHeadingBecomesKnown) {
  Predictor p;
  const PredictorConfig c;
  track::TrackUpdate u = ObserverOnlyDrone();
  ASSERT_TRUE(p.OnUpdate(u).has_value());
  u.time = UnixTime(1003.0);
  EXPECT_FALSE(p.OnUpdate(u).has_value()) << "3 s later: the disc set still holds";
  u.time = UnixTime(1000.0 + c.vague_recompute_interval_s);
  EXPECT_TRUE(p.OnUpdate(u).has_value());
  const track::TrackUpdate headed = Drone(1000.0 + c.vague_recompute_interval_s + 3.0);
  EXPECT_TRUE(p.OnUpdate(headed).has_value()) << "heading known: its corridor at once";
}

}  // namespace
}  // namespace tocsin::predict

namespace tocsin::predict {
namespace {

// israel-iran-salvo: a false observer report hinted "unknown" confirms a track at once
// (trusted observer) with the tracker's velocity prior, 0 +/- 300 m/s. Its rings grew at
// 2 sigma = 600 m/s: 150 km after 240 s, all 1,449 il-areas zones under alert for
// ~10 minutes, per false report. Observers (and microphones) report low air-breathers:
// the rings grow at most at the cruise ceiling, and still at least at it (a real cruise
// missile hinted "unknown" must stay inside them).
TEST(Predictor, UnknownObserverSightingRingsGrowAtTheCruiseCeilingNotAtTwiceTheVelocityPrior) {
  track::TrackUpdate u = ObserverOnlyDrone();
  u.category = ThreatCategory::kUnknown;
  u.pos_sigma = Metres(1500);
  u.vel_sigma = MetresPerSecond(300);  // TrackerConfig::observer_fast_velocity_sigma_mps
  const PredictorConfig c;
  const alert::Danger d = Predictor().Compute(u);
  double widest_alert = 0.0;
  for (const auto& a : d.areas) {
    const auto* disc = std::get_if<alert::Disc>(&a.shape);
    ASSERT_NE(disc, nullptr) << "heading unknown: discs only";
    if (a.prealert_only) continue;
    // A disc whose arrivals start at t0 reaches no farther than the cruise ceiling
    // flies in its reach time (30 s rings, near disc 20 s)...
    const double t0 = a.earliest_arrival.seconds() - 1000.0;
    const double reach_s = t0 > 0.0 ? t0 + c.piece_s : std::max(c.piece_s, c.near_disc_s);
    EXPECT_LE(disc->radius.value(), c.zone_margin_m + c.sigma_k * 1500.0 + c.cruise_max_speed_mps * reach_s + 1.0);
    widest_alert = std::max(widest_alert, disc->radius.value());
  }
  // ... and the alert rings still reach a cruise missile's 240 s of flight.
  EXPECT_GE(widest_alert, c.zone_margin_m + c.sigma_k * 1500.0 + c.cruise_max_speed_mps * c.alert_reach_s - 1.0);

  // A radar-measured unclassified track keeps its own speeds (it may be ballistic).
  track::TrackUpdate radar = u;
  radar.alt_known = true;
  radar.pos_sigma = Metres(300);
  const alert::Danger measured = Predictor().Compute(radar);
  double widest = 0.0;
  for (const auto& a : measured.areas)
    if (const auto* disc = std::get_if<alert::Disc>(&a.shape); disc && !a.prealert_only)
      widest = std::max(widest, disc->radius.value());
  EXPECT_GT(widest, c.zone_margin_m + c.sigma_k * 300.0 + c.cruise_max_speed_mps * c.alert_reach_s + 1000.0);
}

// israel-iran-salvo seed 1: a Shahed tracked by 3D radars dived onto Jerusalem (2,400 m
// -> 611 m at -40 m/s, 35 degrees) and was lost under the radar floor (~590 m there).
// It had left cover, so it dead-reckoned 900 s along its heading: 700 zones alerted for
// ~1,000 s after it had hit the ground. A drone whose measured dive reaches the ground
// before the track was dropped came down: it keeps its last danger briefly. A drone
// descending gently (changing level at ~6 degrees) still dead-reckons.
TEST(PredictorLostTrackTest, DroneLostInATerminalDiveDoesNotDeadReckon) {
  PredictorConfig c;
  auto diving = Seen(Drone(), 1000.0, 40);
  diving.alt_m = 611.0;
  diving.alt_sigma_m = 85.0;
  diving.vel_up = -40.0;
  diving.vel_east = 46.0;
  {
    Predictor p(c);
    ASSERT_TRUE(p.OnUpdate(diving));
    const EndDecision end = p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost});
    ASSERT_TRUE(end.coast.has_value());
    EXPECT_FALSE(end.dead_reckoning);
    for (const auto& a : end.coast->areas) EXPECT_LE(a.latest_departure.seconds(), 1090.0 + c.lost_hold_s + 1e-6);
  }
  {  // dropped before the dive could reach the ground (611 + 170 m at 40 m/s: 20 s)
    Predictor p(c);
    ASSERT_TRUE(p.OnUpdate(diving));
    EXPECT_TRUE(p.OnEnd({TrackId("trk-1"), UnixTime(1015.0), track::TrackEndReason::kLost}).dead_reckoning);
  }
  {  // a level change at 6 degrees is not a dive
    Predictor p(c);
    auto descending = diving;
    descending.vel_up = -5.0;
    descending.vel_east = 50.0;
    ASSERT_TRUE(p.OnUpdate(descending));
    EXPECT_TRUE(p.OnEnd({TrackId("trk-1"), UnixTime(1090.0), track::TrackEndReason::kLost}).dead_reckoning);
  }
}

}  // namespace
}  // namespace tocsin::predict
