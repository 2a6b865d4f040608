#include "alert/engine.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "alert/test_catalog.h"

namespace tocsin::alert {
namespace {

using testing::LoadOrDie;
using testing::RowCentre;
using testing::RowZones;

// Base values: lead 60, hold 90, min_confidence 0.5, pre-alert horizon 600,
// destroyed_hold 30, lost_coast 120, max_uncertainty 15 km, for every category.
Policy BasePolicy() {
  Policy p;
  p.categories.fill(CategoryPolicy{});
  return p;
}

Danger DiscDanger(const std::string& track, LatLon centre, double radius_m, double arrival, double departure,
                  double confidence = 0.9, ThreatCategory cat = ThreatCategory::kDrone) {
  Danger d;
  d.track = TrackId(track);
  d.category = cat;
  d.confidence = confidence;
  d.uncertainty = Metres(500);
  d.areas.push_back({Disc{centre, Metres(radius_m)}, UnixTime(arrival), UnixTime(departure)});
  return d;
}

std::vector<AlertEvent> OfKind(const MemoryAlertSink& sink, AlertEventKind k) {
  std::vector<AlertEvent> out;
  for (const auto& e : sink.events())
    if (e.kind == k) out.push_back(e);
  return out;
}

std::set<std::string> ZonesOf(const std::vector<AlertEvent>& es) {
  std::set<std::string> out;
  for (const auto& e : es) out.insert(e.zone.str());
  return out;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : catalog_(LoadOrDie(RowZones(6, 3))) {}
  AlertEngine MakeEngine(Policy p = BasePolicy()) { return AlertEngine(catalog_, std::move(p), sink_); }
  void TickRange(AlertEngine& e, double from, double to, double step = 1.0) {
    for (double t = from; t <= to + 1e-9; t += step) e.Tick(UnixTime(t));
  }
  zones::Catalog catalog_;
  MemoryAlertSink sink_;
};

constexpr double T0 = 1757203200.0;

TEST_F(EngineTest, AlertStartsOnlyOnceArrivalIsWithinShelterPlusLead) {
  AlertEngine e = MakeEngine();
  // Arrives in zone Z2 at T0+300; shelter 90 + lead 60 = 150 s: alert from T0+150.
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 300, T0 + 400), UnixTime(T0));
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kStart).empty());
  TickRange(e, T0 + 1, T0 + 149);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kStart).empty());
  e.Tick(UnixTime(T0 + 150));
  auto starts = OfKind(sink_, AlertEventKind::kStart);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].zone.str(), "Z2");
  EXPECT_EQ(starts[0].time.seconds(), T0 + 150);
  EXPECT_EQ(starts[0].alert.str(), "A-000001");
  EXPECT_EQ(starts[0].threats, std::vector<TrackId>{TrackId("trk-1")});
  EXPECT_EQ(starts[0].category, ThreatCategory::kDrone);
  ASSERT_TRUE(starts[0].expected_s.has_value());
  EXPECT_DOUBLE_EQ(*starts[0].expected_s, 150.0);
}

TEST_F(EngineTest, LowConfidenceGivesPreAlertOnly) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 10, T0 + 400, /*confidence=*/0.3), UnixTime(T0));
  TickRange(e, T0, T0 + 100);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kStart).empty());
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreStart).size(), 1u);
}

TEST_F(EngineTest, PreAlertComesEarlierAndWider) {
  AlertEngine e = MakeEngine();
  Danger d = DiscDanger("trk-1", RowCentre(1), 100, T0 + 500, T0 + 700);
  // A wider "may reach" piece over Z3..Z4, pre-alert only.
  d.areas.push_back({Corridor{{RowCentre(3), RowCentre(4)}, Metres(100)}, UnixTime(T0 + 400), UnixTime(T0 + 900), true});
  e.UpsertDanger(d, UnixTime(T0));
  // Within the 600 s pre-alert horizon at once, nowhere near the 150 s alert window.
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kPreStart)), (std::set<std::string>{"Z1", "Z3", "Z4"}));
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kStart).empty());
  TickRange(e, T0 + 1, T0 + 600);
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z1"}));
  const auto pre = OfKind(sink_, AlertEventKind::kPreStart);
  const auto start = OfKind(sink_, AlertEventKind::kStart);
  EXPECT_EQ(pre[0].alert.str(), "P-000001");
  EXPECT_LT(pre[0].time.seconds(), start[0].time.seconds());
  // The pre-alert of a zone outlives (or ends with) its alert: end before preend.
  TickRange(e, T0 + 601, T0 + 1200);
  const auto& ev = sink_.events();
  auto pos = [&](AlertEventKind k, const std::string& zone) {
    for (std::size_t i = 0; i < ev.size(); ++i)
      if (ev[i].kind == k && ev[i].zone.str() == zone) return static_cast<int>(i);
    return -1;
  };
  ASSERT_GE(pos(AlertEventKind::kEnd, "Z1"), 0);
  EXPECT_LT(pos(AlertEventKind::kEnd, "Z1"), pos(AlertEventKind::kPreEnd, "Z1"));
}

TEST_F(EngineTest, HoldTimeHysteresisNoFlappingWhenDangerFlickers) {
  AlertEngine e = MakeEngine();
  // Confidence flickers above/below the minimum every 20 s for 5 minutes.
  double t = T0;
  for (int i = 0; i < 15; ++i, t += 20) {
    e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0, T0 + 3600, i % 2 ? 0.2 : 0.9), UnixTime(t));
    TickRange(e, t, t + 19);
  }
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  // Last confident update was at T0+280; it ends 90 s after the last touch.
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0, T0 + 3600, 0.2), UnixTime(t));
  const double last_touch = T0 + 280 + 19;  // still touching at every tick of that window
  TickRange(e, t, last_touch + 89);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  TickRange(e, last_touch + 90, last_touch + 91);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), last_touch + 90);
  EXPECT_EQ(ends[0].reason, EndReason::kThreatPassed);
}

TEST_F(EngineTest, ReasonThreatPassedWhenDangerMovesOn) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 600), UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(4), 100, T0 + 10, T0 + 600), UnixTime(T0 + 10));
  TickRange(e, T0 + 10, T0 + 200);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].zone.str(), "Z1");
  EXPECT_EQ(ends[0].time.seconds(), T0 + 100);
  EXPECT_EQ(ends[0].reason, EndReason::kThreatPassed);
}

TEST_F(EngineTest, ReasonThreatPassedWhenWindowPasses) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 30), UnixTime(T0));
  TickRange(e, T0, T0 + 200);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 30 + 90);
}

// A track's new danger over the same zone, same category, still touching: the alert
// goes on (no second start) and is held from the last decision it touched; new values
// that no longer touch end it after the hold.
TEST_F(EngineTest, ReplacedDangerStillTouchingKeepsTheAlertAndHoldsFromItsLastTouch) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0, T0 + 600), UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 50, T0 + 650), UnixTime(T0 + 50));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 100, T0 + 700), UnixTime(T0 + 100));
  // Arrives in 850 s: beyond the alert window (150 s) and the pre-alert horizon (600 s).
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 1000, T0 + 1100), UnixTime(T0 + 150));
  TickRange(e, T0 + 151, T0 + 350);  // (the pre-alert window opens again at T0+400)
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreStart).size(), 1u);
  for (AlertEventKind k : {AlertEventKind::kEnd, AlertEventKind::kPreEnd}) {
    const auto ends = OfKind(sink_, k);
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_EQ(ends[0].zone.str(), "Z2");
    EXPECT_EQ(ends[0].time.seconds(), T0 + 100 + 90) << "held from the last decision it touched";
    EXPECT_EQ(ends[0].reason, EndReason::kThreatPassed);
  }
}

// The new danger no longer reaches the alert window but still the pre-alert horizon:
// the alert ends after its hold, the pre-alert stays, and the alert starts again when
// the arrival comes within the window.
TEST_F(EngineTest, ReplacedDangerThatStopsTouchingOnlyTheAlertKeepsThePreAlert) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0, T0 + 600), UnixTime(T0));
  TickRange(e, T0 + 1, T0 + 49);
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 450, T0 + 600), UnixTime(T0 + 50));
  TickRange(e, T0 + 51, T0 + 320);
  const auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 49 + 90);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kPreEnd).empty());
  const auto starts = OfKind(sink_, AlertEventKind::kStart);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].time.seconds(), T0 + 450 - 150);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreStart).size(), 1u);
}

// A track reclassified while it touches a zone: the hold it earned in its former
// category (drone: 300 s from the last decision it touched as a drone) still counts
// after it leaves as the new one (cruise missile: 10 s).
TEST_F(EngineTest, ReplacedDangerOfAnotherCategoryKeepsTheHoldOfTheOldOne) {
  Policy p = BasePolicy();
  p.categories[CategoryIndex(ThreatCategory::kDrone)].hold = Seconds(300);
  p.categories[CategoryIndex(ThreatCategory::kCruiseMissile)].hold = Seconds(10);
  AlertEngine e = MakeEngine(p);
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0, T0 + 600), UnixTime(T0));
  TickRange(e, T0 + 1, T0 + 99);
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(2), 100, T0 + 100, T0 + 600, 0.9, ThreatCategory::kCruiseMissile),
                 UnixTime(T0 + 100));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(5), 100, T0 + 110, T0 + 600, 0.9, ThreatCategory::kCruiseMissile),
                 UnixTime(T0 + 110));
  TickRange(e, T0 + 111, T0 + 500);
  std::vector<AlertEvent> z2_ends;
  for (const auto& ev : OfKind(sink_, AlertEventKind::kEnd))
    if (ev.zone.str() == "Z2") z2_ends.push_back(ev);
  ASSERT_EQ(z2_ends.size(), 1u);
  EXPECT_EQ(z2_ends[0].time.seconds(), T0 + 99 + 300);
}

TEST_F(EngineTest, ReasonThreatDestroyedAfterDestroyedHold) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 600), UnixTime(T0));
  e.RemoveDanger(TrackId("trk-1"), EndReason::kThreatDestroyed, UnixTime(T0 + 50));
  TickRange(e, T0 + 50, T0 + 79);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  e.Tick(UnixTime(T0 + 80));
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].reason, EndReason::kThreatDestroyed);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreEnd).at(0).reason, EndReason::kThreatDestroyed);
}

TEST_F(EngineTest, LostTrackNeverEndsBeforeCoastPlusHoldAndSaysTrackLost) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  e.RemoveDanger(TrackId("trk-1"), EndReason::kTrackLost, UnixTime(T0 + 10));
  TickRange(e, T0 + 10, T0 + 10 + 120 + 90 - 1);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  TickRange(e, T0 + 220, T0 + 221);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 220);
  EXPECT_EQ(ends[0].reason, EndReason::kTrackLost);
}

TEST_F(EngineTest, LostTrackWithoutCoastStillHeld) {
  Policy p = BasePolicy();
  for (auto& c : p.categories) c.lost_coast = Seconds(0);
  AlertEngine e = MakeEngine(p);
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  e.RemoveDanger(TrackId("trk-1"), EndReason::kTrackLost, UnixTime(T0 + 10));
  TickRange(e, T0 + 10, T0 + 99);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  e.Tick(UnixTime(T0 + 100));
  ASSERT_EQ(OfKind(sink_, AlertEventKind::kEnd).size(), 1u);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kEnd)[0].reason, EndReason::kTrackLost);
}

TEST_F(EngineTest, LostTrackSeenAgainKeepsItsAlert) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  e.RemoveDanger(TrackId("trk-1"), EndReason::kTrackLost, UnixTime(T0 + 10));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 100));
  TickRange(e, T0 + 100, T0 + 600);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
}

TEST_F(EngineTest, OperatorCancelEndsAndOnlyNewTracksReopen) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  EXPECT_TRUE(e.CancelZone(ZoneId("Z1"), UnixTime(T0 + 5)));
  EXPECT_FALSE(e.CancelZone(ZoneId("nope"), UnixTime(T0 + 5)));
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].reason, EndReason::kOperator);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreEnd).at(0).reason, EndReason::kOperator);
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 10));
  TickRange(e, T0 + 10, T0 + 30);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  e.UpsertDanger(DiscDanger("trk-2", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 31));
  auto starts = OfKind(sink_, AlertEventKind::kStart);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].threats, std::vector<TrackId>{TrackId("trk-2")});
}

TEST_F(EngineTest, OneOpenAlertPerZoneWithSeveralTracks) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-2", RowCentre(1), 100, T0, T0 + 3600, 0.9, ThreatCategory::kCruiseMissile),
                 UnixTime(T0 + 5));
  e.RemoveDanger(TrackId("trk-1"), EndReason::kThreatDestroyed, UnixTime(T0 + 10));
  TickRange(e, T0 + 10, T0 + 200);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());  // trk-2 still there
  auto active = e.Active();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[1].threats, (std::vector<TrackId>{TrackId("trk-1"), TrackId("trk-2")}));
  e.RemoveDanger(TrackId("trk-2"), EndReason::kThreatDestroyed, UnixTime(T0 + 201));
  TickRange(e, T0 + 201, T0 + 300);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].reason, EndReason::kThreatDestroyed);
  EXPECT_TRUE(e.Active().empty());
}

// Active() shares the threat lists instead of copying them (snapshots of thousands of
// threats per zone): a list handed out must never change afterwards, whatever the
// engine does to the alert (new threats, end, reopen).
TEST_F(EngineTest, ThreatListsHandedOutByActiveNeverChange) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-2", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  const auto first = e.Active();
  ASSERT_EQ(first.size(), 2u);
  const std::vector<TrackId> only2 = {TrackId("trk-2")};
  EXPECT_EQ(first[1].threats, only2);
  const auto again = e.Active();  // nothing changed: the same list, shared
  EXPECT_EQ(&again[1].threats.ids(), &first[1].threats.ids());
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 1));
  e.UpsertDanger(DiscDanger("trk-3", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 2));
  const auto second = e.Active();
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].threats, (std::vector<TrackId>{TrackId("trk-1"), TrackId("trk-2"), TrackId("trk-3")}));
  EXPECT_TRUE(second[1].threats.Contains(TrackId("trk-3")));
  EXPECT_FALSE(second[1].threats.Contains(TrackId("trk-4")));
  EXPECT_EQ(first[1].threats, only2);
  EXPECT_EQ(again[1].threats, only2);
  // Cancelled, then reopened by a new track: the old lists still hold what they held.
  ASSERT_TRUE(e.CancelZone(ZoneId("Z1"), UnixTime(T0 + 3)));
  e.UpsertDanger(DiscDanger("trk-4", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0 + 4));
  const auto third = e.Active();
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[1].threats, std::vector<TrackId>{TrackId("trk-4")});
  EXPECT_EQ(second[1].threats.size(), 3u);
  EXPECT_EQ(first[1].threats, only2);
}

TEST_F(EngineTest, StartCategoryIsEarliestArrivingThenMostSevere) {
  AlertEngine e = MakeEngine();
  std::vector<Danger> ds = {DiscDanger("trk-d", RowCentre(1), 100, T0 + 50, T0 + 3600),
                            DiscDanger("trk-b", RowCentre(1), 100, T0 + 50, T0 + 3600, 0.9,
                                       ThreatCategory::kBallisticMissile)};
  e.Update(ds, UnixTime(T0));
  auto starts = OfKind(sink_, AlertEventKind::kStart);
  ASSERT_EQ(starts.size(), 1u);
  // Both upserted in one Update; the first upsert opened it alone.
  EXPECT_EQ(starts[0].category, ThreatCategory::kDrone);
  sink_.Clear();
  AlertEngine e2 = MakeEngine();
  Danger both_zone2 = DiscDanger("trk-x", RowCentre(3), 100, T0 + 100, T0 + 3600);
  Danger early = DiscDanger("trk-y", RowCentre(3), 100, T0 + 20, T0 + 3600, 0.9, ThreatCategory::kCruiseMissile);
  e2.UpsertDanger(both_zone2, UnixTime(T0 - 200));  // outside the window: nothing yet
  e2.UpsertDanger(early, UnixTime(T0 - 200));
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kStart).empty());
  e2.Tick(UnixTime(T0));  // both now within 150 s
  starts = OfKind(sink_, AlertEventKind::kStart);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].category, ThreatCategory::kCruiseMissile);
  EXPECT_EQ(starts[0].threats, (std::vector<TrackId>{TrackId("trk-x"), TrackId("trk-y")}));
  EXPECT_DOUBLE_EQ(*starts[0].expected_s, 20.0);
}

TEST_F(EngineTest, UpdateRemovesTracksNoLongerGiven) {
  AlertEngine e = MakeEngine();
  std::vector<Danger> one = {DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600)};
  e.Update(one, UnixTime(T0));
  e.Update({}, UnixTime(T0 + 1));
  TickRange(e, T0 + 2, T0 + 100);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 91);
}

// Plays a fixed call sequence; used to check that ids and events are deterministic.
std::vector<AlertEvent> Play(const zones::Catalog& c, AlertIdAllocator::State ids, AlertIdAllocator::State* after) {
  MemoryAlertSink sink;
  AlertEngine e(c, BasePolicy(), sink, ids);
  e.UpsertDanger(DiscDanger("trk-2", RowCentre(4), 100, T0, T0 + 60), UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 9000, T0, T0 + 60), UnixTime(T0));
  for (double t = T0; t < T0 + 400; t += 1) e.Tick(UnixTime(t));
  *after = e.id_state();
  return sink.events();
}

TEST_F(EngineTest, IdsAreDeterministicAndRestorable) {
  AlertIdAllocator::State s1, s2;
  auto a = Play(catalog_, {}, &s1);
  auto b = Play(catalog_, {}, &s2);
  EXPECT_EQ(a, b);
  EXPECT_EQ(s1, s2);
  ASSERT_FALSE(a.empty());
  std::set<std::string> ids;
  for (const auto& ev : a) {
    if (IsStart(ev.kind)) EXPECT_TRUE(ids.insert(ev.alert.str()).second) << "reissued " << ev.alert.str();
  }
  // A restarted engine given the saved state continues the numbering.
  AlertIdAllocator::State s3;
  auto c = Play(catalog_, s1, &s3);
  for (const auto& ev : c) {
    if (IsStart(ev.kind)) EXPECT_TRUE(ids.insert(ev.alert.str()).second) << "reissued " << ev.alert.str();
  }
  EXPECT_EQ(s3.next_alert, 2 * s1.next_alert - 1);
}

TEST_F(EngineTest, RestoredOpenAlertsAreEndedNotRestarted) {
  MemoryAlertSink first;
  {
    AlertEngine e(catalog_, BasePolicy(), first);
    e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600), UnixTime(T0));
  }
  ASSERT_EQ(first.events().size(), 2u);  // prestart, start
  AlertEngine e = MakeEngine();
  e.RestoreOpenAlerts(first.events(), UnixTime(T0 + 60));
  ASSERT_EQ(e.Active().size(), 2u);
  // The same track again: nothing new is written.
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 100), UnixTime(T0 + 61));
  EXPECT_TRUE(sink_.events().empty());
  TickRange(e, T0 + 61, T0 + 400);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].alert, first.events()[1].alert);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 190);
}

// --- fail-safe ------------------------------------------------------------------

TEST_F(EngineTest, LargeUncertaintyWidensToTheParentRegion) {
  AlertEngine e = MakeEngine();
  Danger d = DiscDanger("trk-1", RowCentre(1), 100, T0 + 60, T0 + 600);
  d.uncertainty = Metres(14000);  // within the 15 km bound
  e.UpsertDanger(d, UnixTime(T0));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z1"}));
  d.uncertainty = Metres(20000);
  e.UpsertDanger(d, UnixTime(T0 + 1));
  // Region R0 = Z0..Z2; R1 (Z3..Z5) untouched.
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z0", "Z1", "Z2"}));
  EXPECT_EQ(e.stats().widened_dangers, 1u);
  d.uncertainty = Metres(std::nan(""));  // unknown uncertainty also widens
  e.UpsertDanger(d, UnixTime(T0 + 2));
  EXPECT_EQ(e.stats().widened_dangers, 2u);
}

TEST_F(EngineTest, StaleSensorWidensAndFreshSensorNarrowsAfterHold) {
  AlertEngine e = MakeEngine();
  Danger d = DiscDanger("trk-1", RowCentre(4), 100, T0 + 60, T0 + 3600);
  d.sensors = {SensorId("radar-1"), SensorId("ac-2")};
  e.UpsertDanger(d, UnixTime(T0));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z4"}));
  e.SetSensorStale(SensorId("other"), true, UnixTime(T0 + 1));
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  e.SetSensorStale(SensorId("ac-2"), true, UnixTime(T0 + 2));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z3", "Z4", "Z5"}));
  // Updates while blind stay wide.
  e.UpsertDanger(d, UnixTime(T0 + 3));
  TickRange(e, T0 + 3, T0 + 300);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  e.SetSensorStale(SensorId("ac-2"), false, UnixTime(T0 + 301));
  TickRange(e, T0 + 301, T0 + 500);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  EXPECT_EQ(ZonesOf(ends), (std::set<std::string>{"Z3", "Z5"}));
  for (const auto& end : ends) EXPECT_EQ(end.time.seconds(), T0 + 391);
}

TEST_F(EngineTest, NeverShrinksToNothing) {
  AlertEngine e = MakeEngine();
  Danger d = DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600);
  e.UpsertDanger(d, UnixTime(T0));
  // An update with no pieces, then one whose only piece cannot be placed.
  Danger empty = d;
  empty.areas.clear();
  e.UpsertDanger(empty, UnixTime(T0 + 10));
  Danger broken = d;
  broken.areas[0].shape = Corridor{{LatLon{std::nan(""), 30.0}}, Metres(100)};
  e.UpsertDanger(broken, UnixTime(T0 + 20));
  TickRange(e, T0 + 20, T0 + 1000);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  EXPECT_EQ(e.stats().kept_previous_zones, 2u);
  EXPECT_EQ(e.stats().bad_pieces, 1u);
}

// Regression: the never-shrink rule kept a drone's last zones after it flew out of
// the catalog's area (its valid corridor touched no zone any more).
TEST_F(EngineTest, NeverShrinkRuleDoesNotKeepZonesAfterThreatLeavesCatalogArea) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(5), 100, T0, T0 + 3600), UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-1", LatLon{48.05, 31.5}, 100, T0, T0 + 3600), UnixTime(T0 + 10));  // east of Z5
  TickRange(e, T0 + 10, T0 + 200);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].time.seconds(), T0 + 100);
  EXPECT_EQ(e.stats().kept_previous_zones, 0u);
}

TEST_F(EngineTest, UnplaceablePieceWidensTheRest) {
  AlertEngine e = MakeEngine();
  Danger d = DiscDanger("trk-1", RowCentre(4), 100, T0, T0 + 3600);
  d.areas.push_back({Disc{LatLon{200, 30}, Metres(100)}, UnixTime(T0), UnixTime(T0 + 3600)});
  e.UpsertDanger(d, UnixTime(T0));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z3", "Z4", "Z5"}));
}

TEST_F(EngineTest, NonFiniteConfidenceCountsAsSure) {
  AlertEngine e = MakeEngine();
  e.UpsertDanger(DiscDanger("trk-1", RowCentre(1), 100, T0, T0 + 3600, std::nan("")), UnixTime(T0));
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
}

TEST_F(EngineTest, PerCategoryOverridesApply) {
  Policy p = BasePolicy();
  p.categories[CategoryIndex(ThreatCategory::kBallisticMissile)].lead_margin = Seconds(300);
  p.categories[CategoryIndex(ThreatCategory::kBallisticMissile)].min_confidence = 0.2;
  AlertEngine e = MakeEngine(p);
  // Arrival in 350 s: inside 90+300 for the ballistic missile, outside 90+60 for the drone.
  e.UpsertDanger(DiscDanger("trk-b", RowCentre(1), 100, T0 + 350, T0 + 3600, 0.3, ThreatCategory::kBallisticMissile),
                 UnixTime(T0));
  e.UpsertDanger(DiscDanger("trk-d", RowCentre(4), 100, T0 + 350, T0 + 3600, 0.9, ThreatCategory::kDrone),
                 UnixTime(T0));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z1"}));
}

TEST_F(EngineTest, ShapesReachTheExpectedZones) {
  AlertEngine e = MakeEngine();
  Danger d;
  d.track = TrackId("trk-1");
  d.category = ThreatCategory::kBallisticMissile;
  // Ellipse centred on Z2, 6 km along east-west: reaches Z1..Z3 (zones ~7.4 km wide).
  d.areas.push_back({Ellipse{RowCentre(2), Metres(6000), Metres(1000), 90.0}, UnixTime(T0), UnixTime(T0 + 60)});
  // A polygon (not closed: repaired) inside Z5.
  zones::Polygon poly;
  const LatLon c5 = RowCentre(5);
  poly.outer = {{c5.lat - 0.01, c5.lon - 0.01}, {c5.lat - 0.01, c5.lon + 0.01}, {c5.lat + 0.01, c5.lon + 0.01}};
  d.areas.push_back({poly, UnixTime(T0), UnixTime(T0 + 60)});
  e.UpsertDanger(d, UnixTime(T0));
  EXPECT_EQ(ZonesOf(OfKind(sink_, AlertEventKind::kStart)), (std::set<std::string>{"Z1", "Z2", "Z3", "Z5"}));
}

TEST_F(EngineTest, ManualAlertOpensExactlyItsZonesAndEndsAfterItsDurationAndHold) {
  AlertEngine e = MakeEngine();
  const std::vector<zones::ZoneIndex> zs = {*catalog_.Find(ZoneId("Z1")), *catalog_.Find(ZoneId("Z4"))};
  e.UpsertManual(TrackId("op-R-000001"), zs, ThreatCategory::kBallisticMissile, UnixTime(T0 + 100), UnixTime(T0));
  auto starts = OfKind(sink_, AlertEventKind::kStart);
  EXPECT_EQ(ZonesOf(starts), (std::set<std::string>{"Z1", "Z4"}));
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].threats, std::vector<TrackId>{TrackId("op-R-000001")});
  EXPECT_EQ(starts[0].category, ThreatCategory::kBallisticMissile);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kPreStart).size(), 2u);
  // Until T0+100, then the hold (90 s): ends at T0+191 at the latest, not before T0+190.
  TickRange(e, T0 + 1, T0 + 189);
  EXPECT_TRUE(OfKind(sink_, AlertEventKind::kEnd).empty());
  TickRange(e, T0 + 190, T0 + 192);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  EXPECT_EQ(ZonesOf(ends), (std::set<std::string>{"Z1", "Z4"}));
  for (const auto& end : ends) EXPECT_EQ(end.reason, EndReason::kThreatPassed);
  EXPECT_TRUE(e.Active().empty());
}

TEST_F(EngineTest, ManualAlertCancelledByOperatorDoesNotReopen) {
  AlertEngine e = MakeEngine();
  const std::vector<zones::ZoneIndex> zs = {*catalog_.Find(ZoneId("Z2"))};
  e.UpsertManual(TrackId("op-R-000002"), zs, ThreatCategory::kUnknown, UnixTime(T0 + 600), UnixTime(T0));
  ASSERT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  EXPECT_TRUE(e.CancelZone(ZoneId("Z2"), UnixTime(T0 + 10)));
  e.RemoveDanger(TrackId("op-R-000002"), EndReason::kOperator, UnixTime(T0 + 10));
  TickRange(e, T0 + 11, T0 + 30);
  EXPECT_EQ(OfKind(sink_, AlertEventKind::kStart).size(), 1u);
  auto ends = OfKind(sink_, AlertEventKind::kEnd);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].reason, EndReason::kOperator);
  EXPECT_TRUE(e.Active().empty());
}

// Evaluate's bookkeeping (held-entry hints and threat epochs kept in each contribution)
// must never drop a threat: on a random sequence of dangers, removals and ticks, every
// track whose live danger touches a zone with an open alert is among that alert's
// threats, and every threat list is sorted and without duplicates.
TEST(EngineRandomTest, ThreatListsStayCompleteUnderRandomUpdates) {
  const zones::Catalog catalog = LoadOrDie(RowZones(12, 4));
  for (unsigned seed = 1; seed <= 5; ++seed) {
    MemoryAlertSink sink;
    AlertEngine e(catalog, BasePolicy(), sink);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::map<std::string, Danger> live;       // track -> its current danger
    std::map<std::string, double> lost_until;  // lost tracks coast until then (lost_coast 120 s)
    double now = T0;
    for (int step = 0; step < 3000; ++step) {
      now += u(rng) < 0.3 ? 15.0 : 0.0;
      const int track = static_cast<int>(u(rng) * 6);
      const std::string id = "t" + std::to_string(track);
      const double r = u(rng);
      if (r < 0.75) {
        // Half the tracks stay over the same zones (their contributions are replaced
        // in place, keeping the bookkeeping), half wander.
        const LatLon c{48.05, track % 2 ? 30.05 + 0.1 * (track % 12) : 30.0 + u(rng) * 1.2};
        const double arrival = now + u(rng) * 400 - 50;
        Danger d = DiscDanger(id, c, 2000 + u(rng) * 15000, arrival, arrival + 30 + u(rng) * 300, 0.3 + 0.7 * u(rng));
        e.UpsertDanger(d, UnixTime(now));
        live[id] = d;
        lost_until.erase(id);
      } else if (r < 0.85) {
        const EndReason reasons[] = {EndReason::kThreatPassed, EndReason::kThreatDestroyed, EndReason::kTrackLost};
        const EndReason why = reasons[static_cast<int>(u(rng) * 3)];
        e.RemoveDanger(TrackId(id), why, UnixTime(now));
        if (why != EndReason::kTrackLost) {
          live.erase(id);
          lost_until.erase(id);
        } else if (live.count(id) && !lost_until.count(id)) {
          lost_until[id] = now + 120;  // a lost track coasts on its danger
        }
      } else {
        e.Tick(UnixTime(now));
        for (auto it = lost_until.begin(); it != lost_until.end();)
          if (it->second <= now) {
            live.erase(it->first);
            it = lost_until.erase(it);
          } else {
            ++it;
          }
      }
      for (const auto& ev : sink.events())
        if (IsStart(ev.kind)) ASSERT_TRUE(std::is_sorted(ev.threats.begin(), ev.threats.end()));
      sink.Clear();
      if (r < 0.85) continue;  // the engine decides time-driven changes on ticks: check right after one
      for (const auto& a : e.Active()) {
        ASSERT_TRUE(std::adjacent_find(a.threats.begin(), a.threats.end()) == a.threats.end());
        ASSERT_TRUE(std::is_sorted(a.threats.begin(), a.threats.end()));
        if (a.prealert) continue;
        for (const auto& [track, d] : live) {
          const auto& area = d.areas.front();
          const auto& disc = std::get<Disc>(area.shape);
          const double window = catalog.zone(a.zone).shelter.value() + 60;  // lead margin of BasePolicy
          const bool touches = d.confidence >= 0.5 && area.latest_departure.seconds() >= now &&
                               area.earliest_arrival.seconds() - now <= window;
          if (!touches) continue;
          const auto zs = catalog.ZonesWithin(disc.centre, disc.radius);
          if (std::find(zs.begin(), zs.end(), a.zone) == zs.end()) continue;
          EXPECT_TRUE(std::binary_search(a.threats.begin(), a.threats.end(), TrackId(track)))
              << "seed " << seed << " step " << step << ": " << track << " touches " << catalog.zone(a.zone).id.str()
              << " but is not among the threats of " << a.id.str();
        }
      }
    }
  }
}

}  // namespace
}  // namespace tocsin::alert
