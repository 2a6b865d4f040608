// `tocsin zones info` and `tocsin zones lookup` entry points.
#include "zones/info.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace tocsin::zones {
namespace {

const std::string kHromadas = std::string(TOCSIN_DATA_DIR) + "/zones/ua-hromadas.geojson";

TEST(ZonesInfoTest, SummarisesHromadas) {
  std::ostringstream out, err;
  ASSERT_EQ(RunZonesInfo({kHromadas}, out, err), 0) << err.str();
  const std::string s = out.str();
  EXPECT_NE(s.find("catalog:     ua-hromadas"), std::string::npos) << s;
  EXPECT_NE(s.find("zones:       1476"), std::string::npos) << s;
  EXPECT_NE(s.find("regions:     "), std::string::npos);
  EXPECT_NE(s.find("90 s: 1476"), std::string::npos) << s;
  EXPECT_NE(s.find("load time:"), std::string::npos);
}

TEST(ZonesInfoTest, BadCatalogIsAnError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunZonesInfo({"no-such-catalog"}, out, err), 1);
  EXPECT_NE(err.str().find("no-such-catalog"), std::string::npos);
  EXPECT_EQ(RunZonesInfo({"/dev/null/x.geojson"}, out, err), 1);
}

TEST(ZonesLookupTest, KyivAsJson) {
  std::ostringstream out, err;
  ZonesLookupConfig cfg;
  cfg.zones = kHromadas;
  cfg.lat = 50.4501, cfg.lon = 30.5234;
  cfg.within_m = 3000;
  cfg.json = true;
  ASSERT_EQ(RunZonesLookup(cfg, out, err), 0) << err.str();
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["zone"]["parent"], "UA-30");
  ASSERT_TRUE(j["nearby"].is_array());
  ASSERT_GE(j["nearby"].size(), 2u);
  EXPECT_EQ(j["nearby"][0]["distance_m"], 0.0);
  EXPECT_EQ(j["nearby"][0]["id"], j["zone"]["id"]);
  for (const auto& z : j["nearby"]) EXPECT_LE(z["distance_m"].get<double>(), 3000.0);
}

TEST(ZonesLookupTest, TextAndNoZone) {
  std::ostringstream out, err;
  ZonesLookupConfig cfg;
  cfg.zones = kHromadas;
  cfg.lat = 46.4825, cfg.lon = 30.7233;
  ASSERT_EQ(RunZonesLookup(cfg, out, err), 0);
  EXPECT_NE(out.str().find("Odes"), std::string::npos) << out.str();
  std::ostringstream out2;
  cfg.lat = 52.52, cfg.lon = 13.405;
  ASSERT_EQ(RunZonesLookup(cfg, out2, err), 0);
  EXPECT_NE(out2.str().find("zone: none"), std::string::npos);
}

TEST(ZonesLookupTest, BadCoordinatesAreAnError) {
  std::ostringstream out, err;
  ZonesLookupConfig cfg;
  cfg.zones = kHromadas;
  cfg.lat = 91, cfg.lon = 30;
  EXPECT_EQ(RunZonesLookup(cfg, out, err), 2);
  EXPECT_NE(err.str().find("bad coordinates"), std::string::npos);
  cfg.lat = 50, cfg.within_m = -5;
  EXPECT_EQ(RunZonesLookup(cfg, out, err), 2);
}

}  // namespace
}  // namespace tocsin::zones
