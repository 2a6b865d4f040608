#include "ingest/sensor_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace tocsin::ingest {
namespace {

const char* kRadar =
    R"({"id": "R1", "type": "radar", "lat": 46.97, "lon": 32.0, "alt_m": 200.0,
        "sigma": {"range_m": 120, "azimuth_deg": 0.35, "elevation_deg": 0.5},
        "max_range_m": 250000, "min_elevation_deg": 0.5, "period_s": 10, "p_detect": 0.9,
        "false_per_scan": 2.0})";

TEST(SensorJson, ReadsTheSpecExample) {
  std::string path = std::string(TOCSIN_SHARED_DIR) + "/spec/example/sensors.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared example absent: " << path;
  Result<SensorList> list = ReadSensorListFile(path);
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_TRUE(list->epoch.has_value());
  EXPECT_DOUBLE_EQ(*list->epoch, 1757203200.0);
  ASSERT_EQ(list->sensors.size(), 790u);
  const SensorDescription& r = list->sensors[0];
  EXPECT_EQ(r.id.str(), "RAD-MYK");
  EXPECT_TRUE(r.Is3dRadar());
  EXPECT_DOUBLE_EQ(*r.sigma.range_m, 120);
  const SensorDescription& obs = list->sensors.back();
  EXPECT_EQ(obs.type, SensorType::kObserver);
  EXPECT_FALSE(obs.position.has_value());
  EXPECT_DOUBLE_EQ(*obs.sigma.position_m, 1500);
}

TEST(SensorJson, BareArrayAndRoundTrip) {
  Result<SensorList> list = ParseSensorList(std::string("[") + kRadar + "]", "t");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_FALSE(list->epoch.has_value());
  EXPECT_DOUBLE_EQ(list->sensors[0].min_elevation_deg, 0.5);
  list->epoch = 1757203200.0;
  std::ostringstream out;
  WriteSensorList(*list, out);
  Result<SensorList> back = ParseSensorList(out.str(), "round trip");
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << out.str();
  EXPECT_EQ(SensorToJson(back->sensors[0]), SensorToJson(list->sensors[0]));
  EXPECT_DOUBLE_EQ(*back->epoch, 1757203200.0);
}

TEST(SensorJson, RadarWithoutElevationSigmaIs2d) {
  std::string s = R"([{"id": "P18", "type": "radar", "lat": 50, "lon": 30,
      "sigma": {"range_m": 300, "azimuth_deg": 0.5}, "max_range_m": 300000,
      "period_s": 10, "p_detect": 0.8, "false_per_scan": 1}])";
  Result<SensorList> list = ParseSensorList(s, "t");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_TRUE(list->sensors[0].Is2dRadar());
  EXPECT_FALSE(list->sensors[0].Is3dRadar());
}

void ExpectRejected(const std::string& text, const std::string& needle) {
  Result<SensorList> list = ParseSensorList(text, "bad.json");
  ASSERT_FALSE(list.ok()) << text;
  EXPECT_NE(list.status().message().find(needle), std::string::npos) << list.status().message();
  EXPECT_NE(list.status().message().find("bad.json"), std::string::npos) << list.status().message();
}

TEST(SensorJson, RejectsBadSensorsWithReasons) {
  std::string radar = kRadar;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = radar;
    s.replace(s.find(from), from.size(), to);
    return "[" + s + "]";
  };
  ExpectRejected("[" + radar + ",\n" + radar + "]", "used twice");
  ExpectRejected(with("\"p_detect\": 0.9", "\"p_detect\": 1.5"), "p_detect");
  ExpectRejected(with("\"period_s\": 10,", ""), "period_s\" is missing");
  ExpectRejected(with("\"type\": \"radar\"", "\"type\": \"sonar\""), "type");
  ExpectRejected(with("\"lat\": 46.97, ", ""), "lat");
  ExpectRejected(with("\"range_m\": 120, ", ""), "sigma.range_m");
  ExpectRejected(with("\"lat\": 46.97", "\"lat\": 146.97"), "out of range");
  ExpectRejected("{\"epoch\": 1,\n \"sensors\": [ {\"id\": }]}", "bad.json:2");
  ExpectRejected("{\"epoch\": 1}", "no \"sensors\"");
}

}  // namespace
}  // namespace tocsin::ingest
