// RunScore with a track log (ScoreConfig::tracks_path, `tocsin score --tracks`).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/geo.h"
#include "eval/run_score.h"
#include "eval/test_catalogs.h"

namespace tocsin::eval {
namespace {

namespace fs = std::filesystem;

class RunScoreTracksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tocsin_score_tracks_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    Write("zones.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" +
                               testing::SquareFeature("Z1", 0, 1.0, 0.1, ",\"population\":3600") + "]}");
    // A drone flying east along lat 0.05 from lon 0 to lon 2 in 2000 s at 100 m.
    Write("truth.json",
          R"({"name":"t","epoch":0,"threats":[)"
          R"({"id":"D1","kind":"drone","model":"x","points":[[0,0.05,0,100],[2000,0.05,2,100]],)"
          R"("end":"impact","first_seen":0}]})");
    Write("alerts.jsonl", R"({"event":"start","alert":"A1","zone":"Z1","time":900})" "\n"
                          R"({"event":"end","alert":"A1","zone":"Z1","time":1200})" "\n");
    // A track on it, updated every 50 s with the right velocity.
    const LocalTangentPlane plane(LatLon{0.05, 0.0});
    const double speed = 2.0 * plane.metres_per_degree_lon() / 2000.0;
    std::string log;
    for (int t = 0; t <= 2000; t += 50) {
      char buf[300];
      std::snprintf(buf, sizeof buf,
                    "{\"event\":\"update\",\"track\":\"trk-1\",\"time\":%d,\"status\":\"confirmed\",\"lat\":0.05,"
                    "\"lon\":%.9f,\"alt_m\":100,\"alt_known\":true,\"vel_east\":%.4f,\"vel_north\":0,"
                    "\"vel_up\":0,\"category\":\"drone\"}\n",
                    t, 2.0 * t / 2000.0, speed);
      log += buf;
    }
    Write("tracks.jsonl", log);
    config_.truth_path = Path("truth.json");
    config_.alerts_path = Path("alerts.jsonl");
    config_.zones = Path("zones.geojson");
    config_.tracks_path = Path("tracks.jsonl");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  int Run() {
    out_.str("");
    err_.str("");
    return RunScore(config_, out_, err_);
  }

  fs::path dir_;
  ScoreConfig config_;
  std::ostringstream out_, err_;
};

TEST_F(RunScoreTracksTest, JsonGainsTrackAccuracyAndKeepsTheScore) {
  config_.json = true;
  ASSERT_EQ(Run(), kScoreOk) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j.at("pairs"), 1);  // the score's own keys are still there
  const auto& a = j.at("track_accuracy");
  EXPECT_EQ(a.at("samples"), 401);
  EXPECT_EQ(a.at("assigned"), 401);
  EXPECT_LT(a.at("rmse_m").get<double>(), 1.0);
  EXPECT_LT(a.at("gospa_mean_m").get<double>(), 1.0);
  EXPECT_LT(a.at("rmse_by_kind").at("drone").get<double>(), 1.0);
  EXPECT_EQ(a.at("unreadable_lines"), 0);
}

TEST_F(RunScoreTracksTest, TableShowsTrackAccuracy) {
  ASSERT_EQ(Run(), kScoreOk) << err_.str();
  EXPECT_NE(out_.str().find("GOSPA mean"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("position RMSE"), std::string::npos) << out_.str();
}

TEST_F(RunScoreTracksTest, NoTracksNoAccuracy) {
  config_.tracks_path.clear();
  config_.json = true;
  ASSERT_EQ(Run(), kScoreOk) << err_.str();
  EXPECT_FALSE(nlohmann::json::parse(out_.str()).contains("track_accuracy"));
}

TEST_F(RunScoreTracksTest, MissingTrackLogFails) {
  config_.tracks_path = Path("nope.jsonl");
  EXPECT_EQ(Run(), kScoreFailed);
  EXPECT_NE(err_.str().find("nope.jsonl: cannot open the track log"), std::string::npos) << err_.str();
}

TEST_F(RunScoreTracksTest, BadTrackLogLineIsReported) {
  std::ofstream(dir_ / "tracks.jsonl", std::ios::app) << "garbage\n";
  EXPECT_EQ(Run(), kScoreWithBadLines);
  EXPECT_NE(err_.str().find("tracks.jsonl: line 42"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace tocsin::eval
