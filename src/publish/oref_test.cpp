#include "publish/oref.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "publish/test_support.h"

namespace tocsin::publish {
namespace {

using nlohmann::json;

PublishedAlert Alert(const std::string& id, const std::string& name, double started, ThreatCategory c,
                     AlertKind kind = AlertKind::kAlert) {
  PublishedAlert a;
  a.id = AlertId(id);
  a.zone_name = name;
  a.category = c;
  a.kind = kind;
  a.started = UnixTime(started);
  return a;
}

std::string OrefExamplesDir() { return testing::SharedDir() + "/data/clients/oref"; }

json LoadExample(const std::string& name) {
  std::ifstream in(OrefExamplesDir() + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

// Same keys, and each value of the same JSON type (arrays: same element types).
void ExpectSameShape(const json& ours, const json& theirs) {
  ASSERT_EQ(ours.type(), theirs.type()) << ours.dump() << " vs " << theirs.dump();
  if (theirs.is_object()) {
    for (auto it = theirs.begin(); it != theirs.end(); ++it) {
      ASSERT_TRUE(ours.contains(it.key())) << "missing key " << it.key() << " in " << ours.dump();
      ExpectSameShape(ours[it.key()], it.value());
    }
    for (auto it = ours.begin(); it != ours.end(); ++it)
      EXPECT_TRUE(theirs.contains(it.key()) || it.key() == "mode") << "extra key " << it.key();
  } else if (theirs.is_array() && !theirs.empty() && !ours.empty()) {
    for (const auto& o : ours) ExpectSameShape(o, theirs[0]);
  }
}

#define REQUIRE_OREF_EXAMPLES()                                                                   \
  if (!std::filesystem::exists(OrefExamplesDir()))                                               \
  GTEST_SKIP() << OrefExamplesDir() << " not found (../shared missing): cannot compare with the " \
               << "HFC client examples"

TEST(OrefAlerts, SingleMissileAlertMatchesTheClientExample) {
  REQUIRE_OREF_EXAMPLES();
  const json example = LoadExample("single_alert_real_time.json");
  std::vector<PublishedAlert> alerts = {Alert("A-1", "תל אביב - מרכז העיר", 1000, ThreatCategory::kBallisticMissile)};
  const std::string body = FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kLive);
  const json ours = json::parse(body);
  ExpectSameShape(ours, example);
  for (const char* k : {"cat", "title", "data", "desc"}) EXPECT_EQ(ours[k], example[k]) << k;
  // Field order as the real feed writes it.
  EXPECT_EQ(body.find("\"id\""), 1u);
  EXPECT_LT(body.find("\"cat\""), body.find("\"title\""));
  EXPECT_LT(body.find("\"data\""), body.find("\"desc\""));
  // id: decimal string, FILETIME of the start.
  EXPECT_EQ(ours["id"], "116444746000000000");
}

TEST(OrefAlerts, MultiAreaExampleShape) {
  REQUIRE_OREF_EXAMPLES();
  const json example = LoadExample("multi_alerts_real_time.json");
  std::vector<PublishedAlert> alerts = {Alert("A-1", "סעד", 1000, ThreatCategory::kRocket),
                                        Alert("A-2", "נירים", 1001, ThreatCategory::kRocket),
                                        Alert("A-3", "סעד", 1002, ThreatCategory::kRocket)};  // one name once
  const json ours = json::parse(FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kLive));
  ExpectSameShape(ours, example);
  EXPECT_EQ(ours["data"], example["data"]);
  EXPECT_EQ(ours["title"], example["title"]);
}

TEST(OrefAlerts, MostUrgentGroupWinsAndEmptyBodyWhenNothing) {
  std::vector<PublishedAlert> alerts = {Alert("P-1", "א", 1000, ThreatCategory::kDrone, AlertKind::kPreAlert),
                                        Alert("A-1", "ב", 1001, ThreatCategory::kDrone)};
  json j = json::parse(FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kLive));
  EXPECT_EQ(j["cat"], "6");
  EXPECT_EQ(j["title"], "חדירת כלי טיס עוין");
  EXPECT_EQ(j["data"], json::array({"ב"}));
  alerts[1].ended = UnixTime(1005);
  j = json::parse(FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kLive));
  EXPECT_EQ(j["cat"], "10");
  EXPECT_EQ(j["title"], "בדקות הקרובות צפויות להתקבל התרעות באזורך");
  alerts[0].ended = UnixTime(1006);
  j = json::parse(FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kLive));
  EXPECT_EQ(j["title"], "האירוע הסתיים");
  EXPECT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["id"], "116444746060000000");  // FILETIME of the newest end (1006)
  EXPECT_EQ(FormatOrefAlertsJson(alerts, UnixTime(1006 + 61), Mode::kLive), "");
  EXPECT_EQ(FormatOrefAlertsJson({}, UnixTime(0), Mode::kLive), "");
  // Not yet started at `now`: not shown.
  std::vector<PublishedAlert> future = {Alert("A-9", "ג", 2000, ThreatCategory::kRocket)};
  EXPECT_EQ(FormatOrefAlertsJson(future, UnixTime(1000), Mode::kLive), "");
}

TEST(OrefAlerts, ExerciseIsNeverTheRealTitle) {
  std::vector<PublishedAlert> alerts = {Alert("A-1", "א", 1000, ThreatCategory::kRocket)};
  const json j = json::parse(FormatOrefAlertsJson(alerts, UnixTime(1010), Mode::kExercise));
  EXPECT_NE(j["title"], "ירי רקטות וטילים");
  EXPECT_EQ(j["cat"], "15");
  EXPECT_EQ(j["mode"], "exercise");
}

TEST(OrefHistory, MultiAlertExampleIsReproducedExactly) {
  REQUIRE_OREF_EXAMPLES();
  const json example = LoadExample("multi_alerts_history.json");
  // 2023-10-07 06:28 and 06:30 Israel time (IDT) = 03:28 and 03:30 UTC.
  std::vector<PublishedAlert> alerts = {Alert("A-1", "נחל עוז", 1696649280, ThreatCategory::kRocket),
                                        Alert("A-2", "בארי", 1696649400, ThreatCategory::kRocket)};
  const json ours = json::parse(FormatOrefAlertsHistoryJson(alerts, UnixTime(1696649500), Mode::kLive));
  ExpectSameShape(ours, example);
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[0], example[1]);  // newest first
  EXPECT_EQ(ours[1], example[0]);
}

TEST(OrefHistory, EndRowMatchesTheUpdateExample) {
  REQUIRE_OREF_EXAMPLES();
  const json example = LoadExample("single_update_history.json");
  PublishedAlert a = Alert("A-1", "תל אביב - מרכז העיר", 1745627400 - 600, ThreatCategory::kBallisticMissile);
  a.ended = UnixTime(1745627400);  // 2025-04-26 03:30 IDT
  const json ours = json::parse(FormatOrefAlertsHistoryJson({&a, 1}, UnixTime(1745627500), Mode::kLive));
  ExpectSameShape(ours, example);
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(ours[0]["alertDate"], example[0]["alertDate"]);
  EXPECT_EQ(ours[0]["category"], example[0]["category"]);
  EXPECT_EQ(ours[0]["data"], example[0]["data"]);
  EXPECT_EQ(ours[1]["category"], 1);
  EXPECT_EQ(ours[1]["alertDate"], "2025-04-26 03:20:00");
}

TEST(OrefHistory, CategoriesWindowLimitAndDstSwitch) {
  EXPECT_EQ(OrefHistoryCategory(AlertKind::kAlert, ThreatCategory::kCruiseMissile, Mode::kLive), 1);
  EXPECT_EQ(OrefHistoryCategory(AlertKind::kAlert, ThreatCategory::kDrone, Mode::kLive), 2);
  EXPECT_EQ(OrefHistoryCategory(AlertKind::kPreAlert, ThreatCategory::kDrone, Mode::kLive), 14);
  EXPECT_EQ(OrefHistoryCategory(AlertKind::kAlert, ThreatCategory::kDrone, Mode::kExercise), 16);
  // Around the end of DST 2024 (Saturday 2024-10-26 23:00 UTC): 01:59:59 then 01:00:00 local.
  std::vector<PublishedAlert> alerts = {Alert("A-1", "א", 1729983600 - 1, ThreatCategory::kDrone),
                                        Alert("A-2", "ב", 1729983600, ThreatCategory::kDrone),
                                        Alert("A-3", "ג", 1729983600 - 90000, ThreatCategory::kDrone)};  // > 24 h old
  OrefOptions opt;
  json j = json::parse(FormatOrefAlertsHistoryJson(alerts, UnixTime(1729983700), Mode::kLive, opt));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["alertDate"], "2024-10-27 01:00:00");
  EXPECT_EQ(j[1]["alertDate"], "2024-10-27 01:59:59");
  EXPECT_EQ(j[0]["category"], 2);
  opt.max_history_rows = 1;
  EXPECT_EQ(json::parse(FormatOrefAlertsHistoryJson(alerts, UnixTime(1729983700), Mode::kLive, opt)).size(), 1u);
  EXPECT_EQ(FormatOrefAlertsHistoryJson({}, UnixTime(0), Mode::kLive), "[]");
}

}  // namespace
}  // namespace tocsin::publish

namespace tocsin::publish {
namespace {

// A pre-alert ended because its zone went under alert must not be announced as
// "event ended" (people would leave the shelter as the alert starts).
TEST(OrefRegression, PreAlertSupersededByAlertIsNotAnnouncedAsEnded) {
  PublishedAlert pre = Alert("P-1", "אפקה", 1000, ThreatCategory::kRocket, AlertKind::kPreAlert);
  pre.zone_id = ZoneId("IL-1");
  pre.ended = UnixTime(1240);
  PublishedAlert al = Alert("A-1", "אפקה", 1240, ThreatCategory::kRocket);
  al.zone_id = ZoneId("IL-1");
  std::vector<PublishedAlert> alerts = {pre, al};
  const json hist = json::parse(FormatOrefAlertsHistoryJson(alerts, UnixTime(1300), Mode::kLive));
  ASSERT_EQ(hist.size(), 2u);  // pre-alert start + alert start, no "ended" row
  for (const auto& row : hist) EXPECT_NE(row["category"], 13) << row.dump();
  // Once the alert ends too, its end is announced.
  alerts[1].ended = UnixTime(1500);
  EXPECT_EQ(json::parse(FormatOrefAlertsJson(alerts, UnixTime(1510), Mode::kLive))["data"], json::array({"אפקה"}));
  EXPECT_EQ(json::parse(FormatOrefAlertsHistoryJson(alerts, UnixTime(1510), Mode::kLive)).size(), 3u);
  // A pre-alert lifted with no alert in its zone is announced as ended.
  std::vector<PublishedAlert> only_pre = {pre};
  EXPECT_EQ(json::parse(FormatOrefAlertsJson(only_pre, UnixTime(1250), Mode::kLive))["title"], "האירוע הסתיים");
}

}  // namespace
}  // namespace tocsin::publish
