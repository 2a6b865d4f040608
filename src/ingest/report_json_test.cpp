#include "ingest/report_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/sensor_json.h"

namespace tocsin::ingest {
namespace {

SensorIndex SmallIndex() {
  Result<SensorList> list = ParseSensorList(R"([
    {"id": "RAD-01", "type": "radar", "lat": 46.97, "lon": 32.0, "alt_m": 200,
     "sigma": {"range_m": 120, "azimuth_deg": 0.35, "elevation_deg": 0.5},
     "max_range_m": 250000, "period_s": 10, "p_detect": 0.9, "false_per_scan": 2},
    {"id": "AC-0412", "type": "acoustic", "lat": 46.5, "lon": 30.7, "sigma": {"azimuth_deg": 6},
     "max_range_m": 4000, "period_s": 3, "p_detect": 0.7, "false_per_scan": 0},
    {"id": "OBS", "type": "observer", "sigma": {"position_m": 1500}, "max_range_m": 0,
     "period_s": 60, "p_detect": 0.25, "false_per_scan": 0}])",
                                            "test sensors");
  EXPECT_TRUE(list.ok()) << list.status().message();
  return SensorIndex(list->sensors);
}

TEST(ReportJson, SpecExampleLinesRoundTripExactly) {
  SensorIndex index = SmallIndex();
  const std::string lines[] = {
      R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","range_m":84210.5,"azimuth_deg":131.27,"elevation_deg":0.41})",
      R"({"sensor":"AC-0412","time":1757203326.5,"kind":"bearing","azimuth_deg":88.0,"class_hint":"drone"})",
      R"({"sensor":"OBS","time":1757203330.0,"kind":"position","lat":49.912,"lon":33.204,"sigma_m":1500.0})",
  };
  for (const std::string& line : lines) {
    Result<Report> r = ParseReportLine(line, &index, "x:1");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(ReportToJsonLine(*r), line + "\n");
  }
}

TEST(ReportJson, ReadsEveryLineOfTheSharedExample) {
  std::string dir = std::string(TOCSIN_SHARED_DIR) + "/spec/example";
  if (!std::filesystem::exists(dir + "/reports.jsonl")) GTEST_SKIP() << "shared example absent: " << dir;
  Result<SensorList> list = ReadSensorListFile(dir + "/sensors.json");
  ASSERT_TRUE(list.ok()) << list.status().message();
  SensorIndex index(list->sensors);
  std::ifstream in(dir + "/reports.jsonl");
  ReportReader reader(in, &index, "reports.jsonl");
  int kinds[3] = {0, 0, 0};
  while (auto r = reader.Next()) {
    ASSERT_TRUE(r->ok()) << r->status().message();
    ++kinds[static_cast<int>((*r)->kind)];
  }
  EXPECT_EQ(reader.rejected(), 0);
  EXPECT_EQ(reader.accepted(), 2716);
  EXPECT_EQ(kinds[0], 2572);
  EXPECT_EQ(kinds[1], 139);
  EXPECT_EQ(kinds[2], 5);
}

TEST(ReportJson, RejectsBadLinesWithLineAndReasonAndKeepsGoing) {
  SensorIndex index = SmallIndex();
  std::stringstream in;
  in << R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","range_m":84210.5,"azimuth_deg":131.27})" "\n"  // 1 ok (2D-like)
     << R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","range_m":84210.5)" "\n"                  // 2 malformed
     << R"({"sensor":"RAD-99","time":1757203325.0,"kind":"radar","range_m":1,"azimuth_deg":1})" "\n"     // 3 unknown sensor
     << R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","range_m":1,"azimuth_deg":400})" "\n"   // 4 out of range
     << R"({"sensor":"RAD-01","time":1757203325.0,"kind":"radar","azimuth_deg":10})" "\n"                // 5 missing
     << "\n"                                                                                               // 6 blank
     << R"({"sensor":"AC-0412","time":1757203326.5,"kind":"bearing","azimuth_deg":88,"class_hint":"bird"})" "\n"  // 7
     << R"({"sensor":"AC-0412","time":1757203326.5,"kind":"radar","range_m":5,"azimuth_deg":88})" "\n"   // 8 not a radar
     << R"({"sensor":"OBS","time":1757203330.0,"kind":"position","lat":95,"lon":33,"sigma_m":1500})" "\n" // 9
     << R"({"sensor":"OBS","time":-5,"kind":"position","lat":45,"lon":33,"sigma_m":1500})" "\n"          // 10
     << R"({"sensor":"OBS","time":1757203330.0,"kind":"wave","lat":45,"lon":33,"sigma_m":1500})" "\n"    // 11
     << R"([1,2,3])" "\n"                                                                                 // 12
     << R"({"sensor":"OBS","time":1757203330.0,"kind":"position","lat":45,"lon":33,"sigma_m":1500})" "\n";  // 13 ok
  ReportReader reader(in, &index, "r.jsonl");
  std::vector<std::string> errors;
  while (auto r = reader.Next())
    if (!r->ok()) errors.push_back(r->status().message());
  EXPECT_EQ(reader.accepted(), 2);
  EXPECT_EQ(reader.rejected(), 10);
  ASSERT_EQ(errors.size(), 10u);
  const char* expected[] = {"r.jsonl:2: malformed JSON", "r.jsonl:3: unknown sensor \"RAD-99\"",
                            "r.jsonl:4: azimuth_deg 400.0 is out of range",
                            "r.jsonl:5: missing field \"range_m\"", "r.jsonl:7: class_hint",
                            "r.jsonl:8: a radar plot from sensor \"AC-0412\"",
                            "r.jsonl:9: lat/lon", "r.jsonl:10: time", "r.jsonl:11: field \"kind\"",
                            "r.jsonl:12: not a JSON object"};
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(errors[i].rfind(expected[i], 0), 0u) << errors[i] << " should start with " << expected[i];
}

TEST(ReportJson, GarbageNeverCrashes) {
  SensorIndex index = SmallIndex();
  std::stringstream in;
  in << std::string("\0\xff\xfe{{{{", 8) << "\n" << std::string(100000, '[') << "\n"
     << R"({"sensor":1})" "\n" << R"({"sensor":"OBS","time":"now"})" "\n" << "null\n";
  ReportReader reader(in, &index, "g");
  while (auto r = reader.Next()) EXPECT_FALSE(r->ok());
  EXPECT_EQ(reader.rejected(), 5);
}

TEST(ReportJson, NumbersAreCompact) {
  Report r;
  r.sensor = SensorId("R");
  r.time = UnixTime(1757203200.0);
  r.range_m = 1000.04;
  r.azimuth_deg = 359.99999;
  r.elevation_deg = -0.00001;
  EXPECT_EQ(ReportToJsonLine(r),
            "{\"sensor\":\"R\",\"time\":1757203200.0,\"kind\":\"radar\",\"range_m\":1000.0,"
            "\"azimuth_deg\":360.0,\"elevation_deg\":0.0}\n");
}

}  // namespace
}  // namespace tocsin::ingest
