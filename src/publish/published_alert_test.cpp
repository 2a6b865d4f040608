#include "publish/published_alert.h"

#include <gtest/gtest.h>

#include "publish/mode.h"
#include "publish/test_support.h"

namespace tocsin::publish {
namespace {

using alert::AlertEvent;
using alert::AlertEventKind;

AlertEvent Start(const std::string& id, const std::string& zone, double t, AlertEventKind k = AlertEventKind::kStart) {
  AlertEvent e;
  e.kind = k;
  e.alert = AlertId(id);
  e.zone = ZoneId(zone);
  e.time = UnixTime(t);
  e.threats = {TrackId("trk-4")};
  e.category = ThreatCategory::kDrone;
  e.expected_s = 120;
  return e;
}

AlertEvent End(const std::string& id, const std::string& zone, double t, AlertEventKind k = AlertEventKind::kEnd) {
  AlertEvent e;
  e.kind = k;
  e.alert = AlertId(id);
  e.zone = ZoneId(zone);
  e.time = UnixTime(t);
  e.reason = alert::EndReason::kThreatDestroyed;
  return e;
}

TEST(Mode, Names) {
  EXPECT_EQ(ToString(Mode::kLive), "live");
  EXPECT_EQ(ToString(Mode::kExercise), "exercise");
  EXPECT_EQ(ParseMode("exercise"), Mode::kExercise);
  EXPECT_FALSE(ParseMode("Live").has_value());
}

TEST(PublishedAlert, FromStartCopiesZoneAndEventFields) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"תל אביב - מרכז העיר", "בארי"}, "IL-", 90));
  auto a = PublishedAlertFromStart(Start("A-000017", "IL-2", 1000), cat, true, "drill");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->zone_index, 1u);
  EXPECT_EQ(a->zone_name, "בארי");
  EXPECT_EQ(a->region.str(), "R1");
  EXPECT_EQ(a->district, "D1");
  EXPECT_EQ(a->kind, AlertKind::kAlert);
  EXPECT_EQ(a->category, ThreatCategory::kDrone);
  ASSERT_TRUE(a->expected_at.has_value());
  EXPECT_EQ(a->expected_at->seconds(), 1120);
  EXPECT_TRUE(a->manual);
  EXPECT_EQ(a->note, "drill");
  EXPECT_TRUE(a->active());
}

TEST(PublishedAlert, ErrorsNameTheProblem) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a"}));
  auto bad_zone = PublishedAlertFromStart(Start("A-1", "IL-99", 0), cat);
  ASSERT_FALSE(bad_zone.ok());
  EXPECT_NE(bad_zone.status().message().find("IL-99"), std::string::npos);
  EXPECT_FALSE(PublishedAlertFromStart(End("A-1", "IL-1", 0), cat).ok());
  auto a = PublishedAlertFromStart(Start("A-1", "IL-1", 0), cat);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(ApplyEnd(*a, End("A-2", "IL-1", 5)).ok());
  EXPECT_FALSE(ApplyEnd(*a, End("A-1", "IL-1", 5, AlertEventKind::kPreEnd)).ok());
  EXPECT_TRUE(ApplyEnd(*a, End("A-1", "IL-1", 5)).ok());
  EXPECT_EQ(a->ended->seconds(), 5);
  EXPECT_EQ(a->end_reason, alert::EndReason::kThreatDestroyed);
}

TEST(AlertBook, TracksActiveAndRecentAndForgetsOldEnded) {
  auto cat = testing::LoadCatalogOrDie(testing::SquareCatalogJson({"a", "b", "c"}));
  AlertBook book(/*max_ended=*/1);
  ASSERT_TRUE(book.Apply(Start("A-1", "IL-1", 10), cat).ok());
  ASSERT_TRUE(book.Apply(Start("P-1", "IL-2", 5, AlertEventKind::kPreStart), cat).ok());
  EXPECT_FALSE(book.Apply(Start("A-1", "IL-3", 11), cat).ok());  // duplicate id
  EXPECT_FALSE(book.Apply(End("A-9", "IL-1", 12), cat).ok());    // unknown
  auto active = book.Active();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].id.str(), "P-1");  // oldest start first
  EXPECT_EQ(active[1].kind, AlertKind::kAlert);

  auto upd = book.Update(AlertId("A-1"), UnixTime(15), UnixTime(99), std::vector<TrackId>{TrackId("trk-9")});
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->updates.size(), 1u);
  EXPECT_EQ(upd->expected_at->seconds(), 99);
  EXPECT_EQ(upd->last_changed().seconds(), 15);

  ASSERT_TRUE(book.Apply(End("A-1", "IL-1", 20), cat).ok());
  EXPECT_FALSE(book.Apply(End("A-1", "IL-1", 21), cat).ok());  // ended twice
  EXPECT_FALSE(book.Update(AlertId("A-1"), UnixTime(22)).ok());
  EXPECT_EQ(book.Active().size(), 1u);
  EXPECT_EQ(book.Recent().front().id.str(), "A-1");  // most recently changed first

  ASSERT_TRUE(book.Apply(End("P-1", "IL-2", 30, AlertEventKind::kPreEnd), cat).ok());
  EXPECT_EQ(book.Find(AlertId("A-1")), nullptr);  // only one ended kept
  ASSERT_NE(book.Find(AlertId("P-1")), nullptr);
  EXPECT_EQ(book.size(), 1u);
}

}  // namespace
}  // namespace tocsin::publish
