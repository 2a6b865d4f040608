// Test fixture for RunScore end to end: a temporary folder with a one-zone catalog
// (Z1, population 3,600) and a truth of one drone through it; config_ points at them
// (alerts.jsonl is the test's to write).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "eval/run_score.h"
#include "eval/test_catalogs.h"

namespace tocsin::eval::testing {

class RunScoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("tocsin_run_score_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            info->test_suite_name() + "_" + info->name());
    std::filesystem::create_directories(dir_);
    Write("zones.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" +
                               SquareFeature("Z1", 0, 1.0, 0.1, ",\"population\":3600") + "]}");
    // A drone flying east along lat 0.05 from lon 0 to lon 2 in 2000 s at 100 m, through
    // Z1: t_a = 982.03, t_l = 1117.97; first seen at 0.
    Write("truth.json",
          R"({"name":"t","epoch":0,"zones":"ignored-because-of---zones","threats":[)"
          R"({"id":"D1","kind":"drone","model":"x","points":[[0,0.05,0,100],[2000,0.05,2,100]],)"
          R"("end":"impact","first_seen":0}]})");
    config_.truth_path = Path("truth.json");
    config_.alerts_path = Path("alerts.jsonl");
    config_.zones = Path("zones.geojson");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  int Run() {
    out_.str("");
    err_.str("");
    return RunScore(config_, out_, err_);
  }

  std::filesystem::path dir_;
  ScoreConfig config_;
  std::ostringstream out_, err_;
};

}  // namespace tocsin::eval::testing
