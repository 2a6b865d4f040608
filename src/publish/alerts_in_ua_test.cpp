#include "publish/alerts_in_ua.h"

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "publish/test_support.h"
#include "publish/time_format.h"

namespace tocsin::publish {
namespace {

using nlohmann::json;

const std::regex kUtcMillis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

alert::AlertEvent StartEvent(const std::string& id, const std::string& zone, double t) {
  alert::AlertEvent e;
  e.alert = AlertId(id);
  e.zone = ZoneId(zone);
  e.time = UnixTime(t);
  e.category = ThreatCategory::kDrone;
  return e;
}

TEST(AlertsInUa, EveryFieldOfTheSpecForARealHromada) {
  const std::string dir = testing::SharedDir() + "/data/zones/";
  if (!std::filesystem::exists(dir + "ua-hromadas.geojson")) GTEST_SKIP() << dir << " not found (../shared missing)";
  auto cat = zones::Catalog::LoadFile(dir + "ua-hromadas.geojson");
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  auto names = PlaceNames::FromCatalogFiles({dir + "ua-oblasts.geojson", dir + "ua-raions.geojson"});
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_GT(names->size(), 150u);

  AlertBook book;
  ASSERT_TRUE(book.Apply(StartEvent("A-000017", "UA71080010000073303", 1757203400.123), *cat).ok());
  ASSERT_TRUE(book.Apply(StartEvent("A-000018", "UA71080330000082129", 1757203500), *cat, true, "за рішенням оператора").ok());
  auto pre = StartEvent("P-000001", "UA71080330000082129", 1757203300);
  pre.kind = alert::AlertEventKind::kPreStart;
  ASSERT_TRUE(book.Apply(pre, *cat).ok());
  const auto recent = book.Recent();
  const UnixTime last = AlertsInUaLastModified(recent, UnixTime(0));
  EXPECT_EQ(last.seconds(), 1757203500);

  const json j = json::parse(FormatAlertsInUaActive(recent, *names, last, UnixTime(1757203600), Mode::kLive));
  ASSERT_TRUE(j["alerts"].is_array());
  ASSERT_EQ(j["alerts"].size(), 2u);  // the pre-alert is not listed
  const json& a = j["alerts"][0];
  EXPECT_EQ(a["id"], 17);
  EXPECT_EQ(a["location_title"], "Балаклеївська сільська громада");
  EXPECT_EQ(a["location_type"], "hromada");
  EXPECT_EQ(a["started_at"], "2025-09-07T00:03:20.123Z");
  EXPECT_TRUE(a["finished_at"].is_null());
  EXPECT_TRUE(std::regex_match(a["updated_at"].get<std::string>(), kUtcMillis));
  EXPECT_EQ(a["alert_type"], "air_raid");
  EXPECT_EQ(a["location_uid"], "UA71080010000073303");
  EXPECT_EQ(a["location_oblast"], "Черкаська область");
  EXPECT_EQ(a["location_raion"], "Черкаський район");
  EXPECT_TRUE(a["notes"].is_null());
  EXPECT_EQ(a["calculated"], false);
  EXPECT_EQ(j["alerts"][1]["notes"], "за рішенням оператора");
  EXPECT_EQ(j["meta"]["last_updated_at"], "2025-09-07T00:05:00.000Z");
  EXPECT_TRUE(j["disclaimer"].is_string());
  EXPECT_FALSE(j.contains("mode"));
  for (const char* k : {"id", "location_title", "location_type", "started_at", "finished_at", "updated_at",
                        "alert_type", "location_uid", "location_oblast", "location_raion", "notes", "calculated"})
    EXPECT_TRUE(a.contains(k)) << k;
}

TEST(AlertsInUa, EndedAndFutureAlertsAreNotActiveAndExerciseIsMarked) {
  PlaceNames names;
  names.Add("UA-32", "Київська область");
  PublishedAlert a;
  a.id = AlertId("A-000002");
  a.zone_id = ZoneId("UA1");
  a.zone_name = "громада";
  a.region = RegionId("UA-32");
  a.district = "UA3208";  // unknown: the id is written
  a.started = UnixTime(100);
  std::vector<PublishedAlert> alerts = {a, a, a};
  alerts[1].id = AlertId("A-000003");
  alerts[1].ended = UnixTime(150);
  alerts[2].id = AlertId("A-000004");
  alerts[2].started = UnixTime(500);
  json j = json::parse(FormatAlertsInUaActive(alerts, names, UnixTime(150), UnixTime(200), Mode::kExercise));
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["alerts"][0]["location_oblast"], "Київська область");
  EXPECT_EQ(j["alerts"][0]["location_raion"], "UA3208");
  EXPECT_EQ(j["alerts"][0]["notes"], "EXERCISE");
  EXPECT_EQ(j["mode"], "exercise");
  j = json::parse(FormatAlertsInUaActive({}, names, UnixTime(0), UnixTime(0), Mode::kLive));
  EXPECT_EQ(j["alerts"], json::array());
  EXPECT_EQ(j["meta"]["last_updated_at"], "1970-01-01T00:00:00.000Z");
}

// Kyiv's city districts have parent UA-30, which ua-oblasts.geojson lacks, and
// are their own districts.
TEST(AlertsInUaRegression, KyivCityDistrictNamesItsCityAndItself) {
  PublishedAlert a;
  a.id = AlertId("A-5");
  a.zone_id = ZoneId("UA80000000000624772");
  a.zone_name = "Печерський район";
  a.region = RegionId("UA-30");
  a.district = "UA80000000000624772";
  a.started = UnixTime(1);
  std::vector<PublishedAlert> alerts = {a};
  const json j = json::parse(FormatAlertsInUaActive(alerts, PlaceNames(), UnixTime(1), UnixTime(2), Mode::kLive));
  EXPECT_EQ(j["alerts"][0]["location_oblast"], "м. Київ");
  EXPECT_EQ(j["alerts"][0]["location_raion"], "Печерський район");
}

TEST(AlertsInUa, LastModifiedAnd304) {
  PublishedAlert a;
  a.id = AlertId("A-1");
  a.started = UnixTime(1757203400.5);
  std::vector<PublishedAlert> alerts = {a};
  const UnixTime lm = AlertsInUaLastModified(alerts, UnixTime(0));
  const std::string header = FormatHttpDate(lm);
  EXPECT_EQ(header, "Sun, 07 Sep 2025 00:03:20 GMT");
  EXPECT_TRUE(NotModifiedSince(header, lm));  // the client's copy is current: 304
  alerts[0].ended = UnixTime(1757203401);    // the alert ends: the list changed
  EXPECT_FALSE(NotModifiedSince(header, AlertsInUaLastModified(alerts, UnixTime(0))));
  EXPECT_EQ(AlertsInUaLastModified({}, UnixTime(7)).seconds(), 7);
}

TEST(AlertsInUa, PlaceNamesErrorsSayWhatIsWrong) {
  PlaceNames n;
  Status s = n.AddCatalogText("{", "x.geojson");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("x.geojson"), std::string::npos);
  EXPECT_FALSE(n.AddCatalogText(R"({"features":[{"properties":{"id":1}}]})", "y").ok());
  EXPECT_FALSE(n.AddCatalogText(R"([1,2])", "z").ok());
  auto missing = PlaceNames::FromCatalogFiles({"/nonexistent/ua-oblasts.geojson"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/ua-oblasts.geojson"), std::string::npos);
  EXPECT_EQ(AlertIdNumber(AlertId("A-000017")), 17);
  EXPECT_FALSE(AlertIdNumber(AlertId("manual")).has_value());
}

}  // namespace
}  // namespace tocsin::publish
