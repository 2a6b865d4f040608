// End to end: attack file -> scenario folder that reads back through the ingest readers,
// byte-identical for a seed; attack file errors; every shipped preset parses and builds.
#include "sim/simulate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ingest/report_json.h"
#include "ingest/sensor_json.h"
#include "sim/data_files.h"
#include "sim/test_util.h"

namespace tocsin::sim {
namespace {

using testing::Attack;
using testing::Profiles;

const char* kSmall = R"({
  "name": "small", "epoch": 1757203200, "zones": "ua-hromadas", "max_latency_s": 3,
  "sensors": [
    {"id": "RAD", "type": "radar", "lat": 46.55, "lon": 30.65, "alt_m": 60,
     "sigma": {"range_m": 120, "azimuth_deg": 0.35, "elevation_deg": 0.5},
     "max_range_m": 250000, "min_elevation_deg": -0.2, "period_s": 10, "p_detect": 0.9, "false_per_scan": 2},
    {"id": "OBS", "type": "observer", "sigma": {"position_m": 1500}, "max_range_m": 0,
     "period_s": 60, "p_detect": 0.25, "false_per_scan": 0.01},
    {"generator": "acoustic_grid", "id_prefix": "AC-", "bbox": [46.2, 30.4, 46.7, 31.0], "spacing_km": 8}
  ],
  "threats": [
    {"model": "Shahed-136/131", "count": 6, "launch": {"sites": ["Cape Tarkhankut"], "window_s": [0, 600]},
     "targets": ["Odesa"], "destroyed_share": 0.5},
    {"model": "Iskander-M", "count": 2, "launch": {"sites": ["Kherson"], "window_s": [0, 600]},
     "targets": ["Odesa"]}
  ]})";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("tocsin-sim-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(Simulate, WritesFilesThatReadBackAndMatchTheTruth) {
  AttackDescription a = Attack(kSmall);
  Result<Scenario> sc = SimulateAttack(a, Profiles(), 11, 2, nullptr);
  ASSERT_TRUE(sc.ok()) << sc.status().message();
  std::string dir = TempDir("roundtrip");
  ASSERT_TRUE(WriteScenario(*sc, dir).ok());

  Result<ingest::SensorList> sensors = ingest::ReadSensorListFile(dir + "/sensors.json");
  ASSERT_TRUE(sensors.ok()) << sensors.status().message();
  EXPECT_EQ(*sensors->epoch, 1757203200.0);
  EXPECT_GT(sensors->sensors.size(), 20u);
  ingest::SensorIndex index(sensors->sensors);

  std::ifstream in(dir + "/reports.jsonl");
  ingest::ReportReader reader(in, &index, "reports.jsonl");
  std::size_t i = 0;
  while (auto r = reader.Next()) {
    ASSERT_TRUE(r->ok()) << r->status().message();
    ASSERT_LT(i, sc->reports.size());
    EXPECT_EQ((*r)->time.seconds(), sc->reports[i].time);
    ++i;
  }
  EXPECT_EQ(reader.rejected(), 0);
  EXPECT_EQ(static_cast<std::size_t>(reader.accepted()), sc->reports.size());

  // truth.json: spec fields, time-ordered points, ballistic ends on the ground,
  // first_seen = the earliest report of that threat.
  nlohmann::json truth = nlohmann::json::parse(Slurp(dir + "/truth.json"));
  EXPECT_EQ(truth["name"], "small");
  EXPECT_EQ(truth["zones"], "ua-hromadas");
  std::map<int, double> first;
  for (const SimReport& r : sc->reports)
    if (r.threat >= 0 && (!first.count(r.threat) || r.time < first[r.threat])) first[r.threat] = r.time;
  ASSERT_EQ(truth["threats"].size(), 8u);
  for (std::size_t k = 0; k < truth["threats"].size(); ++k) {
    const auto& t = truth["threats"][k];
    const auto& pts = t["points"];
    for (std::size_t p = 1; p < pts.size(); ++p) ASSERT_GT(pts[p][0].get<double>(), pts[p - 1][0].get<double>());
    if (t["kind"] == "ballistic_missile") EXPECT_EQ(pts.back()[3].get<double>(), 0.0);
    if (t["end"] == "impact") EXPECT_EQ(pts.back()[3].get<double>(), 0.0);
    if (first.count(static_cast<int>(k)))
      EXPECT_DOUBLE_EQ(t["first_seen"].get<double>(), first[static_cast<int>(k)]);
    else
      EXPECT_TRUE(t["first_seen"].is_null());
  }
  std::filesystem::remove_all(dir);
}

TEST(Simulate, SameSeedSameBytesAnyThreadCount) {
  AttackDescription a = Attack(kSmall);
  std::string d1 = TempDir("det1"), d2 = TempDir("det2"), d3 = TempDir("det3");
  ASSERT_TRUE(WriteScenario(*SimulateAttack(a, Profiles(), 3, 1, nullptr), d1).ok());
  ASSERT_TRUE(WriteScenario(*SimulateAttack(a, Profiles(), 3, 2, nullptr), d2).ok());
  ASSERT_TRUE(WriteScenario(*SimulateAttack(a, Profiles(), 4, 2, nullptr), d3).ok());
  for (const char* f : {"/sensors.json", "/reports.jsonl", "/truth.json"}) EXPECT_EQ(Slurp(d1 + f), Slurp(d2 + f)) << f;
  EXPECT_NE(Slurp(d1 + "/reports.jsonl"), Slurp(d3 + "/reports.jsonl"));
  EXPECT_EQ(Slurp(d1 + "/sensors.json"), Slurp(d3 + "/sensors.json")) << "the sensor layout does not depend on the seed";
  for (const auto& d : {d1, d2, d3}) std::filesystem::remove_all(d);
}

void ExpectAttackError(const std::string& text, const std::string& needle) {
  Result<AttackDescription> a = ParseAttack(text, "bad-attack.json");
  if (a.ok()) {
    Result<std::vector<Flight>> f = BuildFlights(*a, Profiles(), 1);
    ASSERT_FALSE(f.ok()) << text;
    EXPECT_NE(f.status().message().find(needle), std::string::npos) << f.status().message();
    return;
  }
  EXPECT_NE(a.status().message().find(needle), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find("bad-attack.json"), std::string::npos);
}

TEST(Simulate, AttackFileErrorsNameTheField) {
  ExpectAttackError(R"({"sensors": [], "threats": []})", "epoch");
  ExpectAttackError(R"({"epoch": 1, "sensors": [], "threats": [{"model": "Shahed-136/131",
      "launch": {"sites": ["Atlantis"]}, "targets": ["Odesa"]}]})", "threats[0].launch.sites[0]: unknown place");
  ExpectAttackError(R"({"epoch": 1, "sensors": [], "threats": [{"model": "Shahed-136/131",
      "launch": {"sites": ["Chauda"], "window_s": [600, 0]}, "targets": ["Odesa"]}]})", "threats[0].launch.window_s");
  ExpectAttackError(R"({"epoch": 1, "sensors": [], "threats": [{"model": "Shahed-999",
      "launch": {"sites": ["Chauda"]}, "targets": ["Odesa"]}]})", "unknown model \"Shahed-999\"");
  ExpectAttackError(R"({"epoch": 1, "sensors": [], "threats": [{"model": "Shahed-136/131",
      "launch": {"sites": ["Chauda"]}, "targets": ["Odesa"], "speed_mps": [30, 50]}]})", "outside the profile");
  ExpectAttackError(R"({"epoch": 1, "sensors": [{"id": "R", "type": "radar"}], "threats": []})", "lat");
  ExpectAttackError("{\"epoch\": 1,\n \"sensors\": [,]}", "bad-attack.json:2");
  ExpectAttackError(R"({"epoch": 1, "sensors": [{"generator": "acoustic_grid", "bbox": [40, 20, 55, 45], "spacing_km": 0.5}],
      "threats": []})", "limit 200,000");
}

TEST(Simulate, EveryShippedPresetParsesAndResolvesByName) {
  std::string dir = std::string(TOCSIN_DATA_DIR) + "/presets";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::string name = entry.path().stem().string();
    Result<std::string> path = ResolveAttackPath(name);
    ASSERT_TRUE(path.ok()) << path.status().message();
    Result<AttackDescription> a = ParseAttack(Slurp(*path), *path);
    ASSERT_TRUE(a.ok()) << a.status().message();
    EXPECT_EQ(a->name, name);
    for (const ThreatGroup& g : a->groups) EXPECT_NE(FindProfile(Profiles(), g.model), nullptr) << name << ": " << g.model;
    ++n;
  }
  EXPECT_GE(n, 6);
  EXPECT_FALSE(ResolveAttackPath("no-such-preset").ok());
}

}  // namespace
}  // namespace tocsin::sim
