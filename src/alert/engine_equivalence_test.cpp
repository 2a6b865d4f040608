// AlertEngine (incremental decisions) against ReferenceAlertEngine (every decision
// walks all contributors): random call sequences must give the same events, the same
// active alerts and the same open alerts after every call. Times are drawn on a coarse
// grid with many repeats, so that releases, arrivals and holds tie often (the
// tie-breaks are where an incremental version can go wrong).
#include <cmath>
#include <map>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alert/engine.h"
#include "alert/engine_reference.h"
#include "alert/test_catalog.h"

namespace tocsin::alert {
namespace {

using reference::ReferenceAlertEngine;
using testing::LoadOrDie;
using testing::SquareZone;

constexpr double T0 = 1757203200.0;
constexpr int kZones = 10;

std::vector<SquareZone> MixedShelterRow() {
  const double shelters[] = {0, 30, 90, 90, 60, 300, 0, 90, 15, 120};
  std::vector<SquareZone> zs;
  for (int i = 0; i < kZones; ++i)
    zs.push_back({"Z" + std::to_string(i), 48.0, 30.0 + 0.1 * i, 0.1, i == 9 ? "" : "R" + std::to_string(i / 3),
                  shelters[i]});
  return zs;
}

LatLon Centre(int i) { return {48.05, 30.0 + 0.1 * i + 0.05}; }

class RandomCalls {
 public:
  // sticky: a track's next danger is most often its previous one again, its windows
  // moved and now and then its category changed or a piece moved to another zone (the
  // common case of a tracker: the same zones again, most still touched).
  explicit RandomCalls(unsigned seed, bool sticky = false) : rng_(seed), sticky_(sticky) {}

  Policy RandomPolicy() {
    Policy p;
    for (auto& c : p.categories) {
      c.lead_margin = Seconds(Pick<double>({0, 30, 60, 120}));
      c.hold = Seconds(Pick<double>({0, 5, 30, 90}));
      c.min_confidence = Pick<double>({0.3, 0.5, 0.8});
      c.prealert_horizon = Seconds(Pick<double>({0, 100, 600}));
      c.prealert_min_confidence = Pick<double>({0.0, 0.4, 0.6});
      c.destroyed_hold = Seconds(Pick<double>({0, 10, 30}));
      c.lost_coast = Seconds(Pick<double>({0, 20, 120}));
      c.max_uncertainty = Metres(Pick<double>({5000, 15000}));
    }
    return p;
  }

  double Step() { return Pick<double>({0, 0, 0, 0.5, 1, 1, 1, 2, 5, 10, 30}); }
  double Uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  int Int(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
  bool Chance(double p) { return Uniform(0, 1) < p; }
  TrackId Track() { return TrackId("trk-" + std::to_string(Int(1, 14))); }
  ThreatCategory Category() {
    return Pick<ThreatCategory>({ThreatCategory::kDrone, ThreatCategory::kDrone, ThreatCategory::kCruiseMissile,
                                 ThreatCategory::kBallisticMissile, ThreatCategory::kRocket,
                                 ThreatCategory::kUnknown, ThreatCategory::kAircraft});
  }

  Danger RandomDanger(double now) {
    if (!sticky_) return FreshDanger(now, Track());
    const TrackId track = Track();
    auto it = last_.find(track.str());
    Danger d = it != last_.end() && Chance(0.85) ? Follow(it->second, now) : FreshDanger(now, track);
    last_[track.str()] = d;
    return d;
  }

  // The previous danger of a track again: each window moved by a few 5 s steps; now
  // and then another category, a piece moved to another zone, or prealert_only flipped.
  Danger Follow(Danger d, double now) {
    if (Chance(0.1)) d.category = Category();
    for (DangerArea& a : d.areas) {
      const double shift = 5.0 * Int(-2, 6);
      if (std::isfinite(a.earliest_arrival.seconds()))
        a.earliest_arrival = UnixTime(std::max(a.earliest_arrival.seconds() + shift, std::round(now) - 50.0));
      if (std::isfinite(a.latest_departure.seconds()))
        a.latest_departure = UnixTime(std::max(a.latest_departure.seconds() + shift + 5.0 * Int(0, 4),
                                               a.earliest_arrival.seconds()));
      if (Chance(0.1)) a.shape = Disc{Centre(Int(0, kZones - 1)), Metres(Pick<double>({100, 3000, 9000}))};
      if (Chance(0.05)) a.prealert_only = !a.prealert_only;
    }
    return d;
  }

  Danger FreshDanger(double now, TrackId track) {
    Danger d;
    d.track = std::move(track);
    d.category = Category();
    d.confidence = Chance(0.05) ? std::nan("") : Pick<double>({0.2, 0.45, 0.5, 0.7, 0.9, 1.0});
    d.uncertainty = Metres(Chance(0.1) ? 20000 : 500);
    if (Chance(0.5)) d.sensors.push_back(SensorId("s1"));
    if (Chance(0.3)) d.sensors.push_back(SensorId("s2"));
    const int pieces = Int(0, 3);
    for (int k = 0; k < pieces; ++k) {
      DangerArea a;
      const int zone = Int(0, kZones - 1);
      if (Chance(0.05)) {
        a.shape = Disc{{std::nan(""), 30.0}, Metres(1000)};  // cannot be placed
      } else if (Chance(0.6)) {
        a.shape = Disc{Centre(zone), Metres(Pick<double>({100, 3000, 9000}))};
      } else {
        const int to = std::min(kZones - 1, zone + Int(0, 3));
        a.shape = Corridor{{Centre(zone), Centre(to)}, Metres(Pick<double>({500, 2000}))};
      }
      // Arrivals on a 5 s grid relative to a 1 s grid "now", so thresholds tie.
      const double arrival = std::round(now) + 5.0 * Int(-10, 80);
      a.earliest_arrival = UnixTime(Chance(0.03) ? -std::numeric_limits<double>::infinity() : arrival);
      a.latest_departure = UnixTime(Chance(0.03) ? std::numeric_limits<double>::infinity()
                                                 : arrival + 5.0 * Int(0, 60));
      a.prealert_only = Chance(0.25);
      d.areas.push_back(a);
    }
    return d;
  }

  EndReason Reason() {
    return Pick<EndReason>({EndReason::kThreatPassed, EndReason::kThreatDestroyed, EndReason::kTrackLost,
                            EndReason::kTrackLost, EndReason::kOperator});
  }

  template <class T>
  T Pick(std::initializer_list<T> options) {
    return *(options.begin() + Int(0, static_cast<int>(options.size()) - 1));
  }

 private:
  std::mt19937 rng_;
  bool sticky_ = false;
  std::map<std::string, Danger> last_;  // sticky: the last danger of each track
};

std::string Describe(const std::vector<AlertEvent>& es, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < es.size(); ++i) out += ToJsonLine(es[i]) + "\n";
  return out;
}

void ExpectSameState(const AlertEngine& e, const ReferenceAlertEngine& r, const zones::Catalog& c,
                     const std::string& where) {
  const auto a = e.Active();
  const auto b = r.Active();
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].prealert, b[i].prealert) << where;
    EXPECT_EQ(a[i].id, b[i].id) << where;
    EXPECT_EQ(a[i].zone, b[i].zone) << where;
    EXPECT_EQ(a[i].started.seconds(), b[i].started.seconds()) << where;
    EXPECT_EQ(a[i].threats, b[i].threats) << where << " zone " << c.zone(a[i].zone).id.str();
    EXPECT_EQ(a[i].category, b[i].category) << where;
  }
  for (zones::ZoneIndex z = 0; z < c.zones().size(); ++z)
    for (bool pre : {false, true}) EXPECT_EQ(e.OpenAlert(z, pre), r.OpenAlert(z, pre)) << where;
  EXPECT_EQ(e.stats().upserts, r.stats().upserts) << where;
  EXPECT_EQ(e.stats().widened_dangers, r.stats().widened_dangers) << where;
  EXPECT_EQ(e.stats().kept_previous_zones, r.stats().kept_previous_zones) << where;
}

void RunRandomSequence(unsigned seed, int calls, bool sticky = false) {
  const zones::Catalog catalog = LoadOrDie(MixedShelterRow());
  RandomCalls rnd(seed, sticky);
  const Policy policy = rnd.RandomPolicy();
  MemoryAlertSink sink_e, sink_r;
  AlertEngine e(catalog, policy, sink_e);
  ReferenceAlertEngine r(catalog, policy, sink_r);
  double now = T0;
  if (rnd.Chance(0.3)) {
    // Alerts left open by a previous run.
    std::vector<AlertEvent> open;
    AlertEvent s;
    s.kind = AlertEventKind::kStart;
    s.alert = AlertId("A-000900");
    s.zone = ZoneId("Z2");
    s.time = UnixTime(now - 100);
    s.threats = {TrackId("trk-old")};
    s.category = ThreatCategory::kDrone;
    open.push_back(s);
    s.kind = AlertEventKind::kPreStart;
    s.alert = AlertId("P-000900");
    open.push_back(s);
    e.RestoreOpenAlerts(open, UnixTime(now));
    r.RestoreOpenAlerts(open, UnixTime(now));
  }
  for (int i = 0; i < calls; ++i) {
    now += rnd.Step();
    const UnixTime t(now);
    const double op = rnd.Uniform(0, 1);
    std::string what;
    if (op < 0.45) {
      const Danger d = rnd.RandomDanger(now);
      what = "upsert " + d.track.str();
      e.UpsertDanger(d, t);
      r.UpsertDanger(d, t);
    } else if (op < 0.60) {
      const TrackId id = rnd.Track();
      const EndReason reason = rnd.Reason();
      what = "remove " + id.str();
      e.RemoveDanger(id, reason, t);
      r.RemoveDanger(id, reason, t);
    } else if (op < 0.64) {
      const SensorId s(rnd.Chance(0.5) ? "s1" : "s2");
      const bool stale = rnd.Chance(0.5);
      what = "stale " + s.str();
      e.SetSensorStale(s, stale, t);
      r.SetSensorStale(s, stale, t);
    } else if (op < 0.67) {
      const ZoneId z("Z" + std::to_string(rnd.Int(0, kZones - 1)));
      what = "cancel " + z.str();
      EXPECT_EQ(e.CancelZone(z, t), r.CancelZone(z, t));
    } else if (op < 0.70) {
      const TrackId source(rnd.Chance(0.5) ? "op-1" : "op-2");
      std::vector<zones::ZoneIndex> zs;
      for (int k = rnd.Int(0, 3); k > 0; --k) zs.push_back(static_cast<zones::ZoneIndex>(rnd.Int(0, kZones - 1)));
      const ThreatCategory cat = rnd.Category();
      const UnixTime until(now + 5.0 * rnd.Int(0, 20));
      what = "manual " + source.str();
      e.UpsertManual(source, zs, cat, until, t);
      r.UpsertManual(source, zs, cat, until, t);
    } else if (op < 0.72) {
      std::vector<Danger> all;
      for (int k = rnd.Int(0, 4); k > 0; --k) {
        Danger d = rnd.RandomDanger(now);
        bool dup = false;
        for (const auto& o : all) dup = dup || o.track == d.track;
        if (!dup) all.push_back(std::move(d));
      }
      what = "update";
      e.Update(all, t);
      r.Update(all, t);
    } else {
      what = "tick";
      e.Tick(t);
      r.Tick(t);
    }
    const std::string where = std::string(sticky ? "sticky " : "") + "seed " + std::to_string(seed) + " call " + std::to_string(i) + " (" + what + ")";
    ASSERT_EQ(sink_e.events().size(), sink_r.events().size())
        << where << "\nengine:\n" << Describe(sink_e.events(), 0) << "reference:\n" << Describe(sink_r.events(), 0);
    for (std::size_t k = 0; k < sink_e.events().size(); ++k)
      ASSERT_EQ(ToJsonLine(sink_e.events()[k]), ToJsonLine(sink_r.events()[k])) << where << " event " << k;
    ExpectSameState(e, r, catalog, where);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_EQ(e.id_state().next_alert, r.id_state().next_alert);
  EXPECT_EQ(e.id_state().next_prealert, r.id_state().next_prealert);
}

TEST(EngineEquivalenceTest, SameDecisionsAsReferenceOnRandomCalls) {
  for (unsigned seed = 1; seed <= 150; ++seed) {
    RunRandomSequence(seed, 300);
    if (HasFailure()) return;
  }
}

// Tracks whose next danger mostly keeps its zones and category (windows moved, so a
// level may stop or start being touched): the engine keeps such a contribution
// touching in place instead of stopping it and re-entering it; a category change, a
// moved piece or a window that no longer touches must still end or start the zone as
// the reference does.
TEST(EngineEquivalenceTest, SameDecisionsAsReferenceWhenTracksKeepTheirZones) {
  for (unsigned seed = 1; seed <= 150; ++seed) {
    RunRandomSequence(seed, 300, /*sticky=*/true);
    if (HasFailure()) return;
  }
}

// Many tracks over the same few zones, released at the same times with different
// reasons: the end reason comes from the first-held of the latest releases.
TEST(EngineEquivalenceTest, SameEndReasonsWhenManyTracksShareAZone) {
  const zones::Catalog catalog = LoadOrDie(MixedShelterRow());
  Policy p;
  p.categories.fill(CategoryPolicy{});
  for (int variant = 0; variant < 4; ++variant) {
    MemoryAlertSink sink_e, sink_r;
    AlertEngine e(catalog, p, sink_e);
    ReferenceAlertEngine r(catalog, p, sink_r);
    double now = T0;
    for (int k = 0; k < 60; ++k) {
      Danger d;
      d.track = TrackId("trk-" + std::to_string(k));
      d.category = k % 3 == 0 ? ThreatCategory::kCruiseMissile : ThreatCategory::kDrone;
      d.confidence = 0.9;
      d.areas.push_back({Disc{Centre(3), Metres(9000)}, UnixTime(now + 10 * (k % 4)), UnixTime(now + 200)});
      e.UpsertDanger(d, UnixTime(now));
      r.UpsertDanger(d, UnixTime(now));
    }
    now += 20;
    e.Tick(UnixTime(now));
    r.Tick(UnixTime(now));
    // Passed and operator tie at now + hold; destroyed ones release earlier.
    const EndReason reasons[] = {EndReason::kThreatPassed, EndReason::kOperator, EndReason::kThreatDestroyed,
                                 EndReason::kOperator};
    for (int k = 0; k < 60; ++k) {
      const EndReason why = reasons[(k + variant) % 4];
      e.RemoveDanger(TrackId("trk-" + std::to_string(k)), why, UnixTime(now));
      r.RemoveDanger(TrackId("trk-" + std::to_string(k)), why, UnixTime(now));
    }
    for (int s = 0; s < 400; ++s) {
      now += 1;
      e.Tick(UnixTime(now));
      r.Tick(UnixTime(now));
    }
    ASSERT_EQ(sink_e.events().size(), sink_r.events().size());
    ASSERT_GE(sink_e.events().size(), 4u);  // the zones opened and ended
    for (std::size_t k = 0; k < sink_e.events().size(); ++k)
      EXPECT_EQ(ToJsonLine(sink_e.events()[k]), ToJsonLine(sink_r.events()[k])) << "variant " << variant;
    EXPECT_TRUE(e.Active().empty());
  }
}

}  // namespace
}  // namespace tocsin::alert
