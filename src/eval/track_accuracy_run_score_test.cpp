// RunScore with a track log (ScoreConfig::tracks_path, `tocsin score --tracks`).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/geo.h"
#include "eval/run_score.h"
#include "eval/run_score_fixture.h"

namespace tocsin::eval {
namespace {

class RunScoreTracksTest : public testing::RunScoreFixture {
 protected:
  void SetUp() override {
    RunScoreFixture::SetUp();
    Write("alerts.jsonl", R"({"event":"start","alert":"A1","zone":"Z1","time":900})" "\n"
                          R"({"event":"end","alert":"A1","zone":"Z1","time":1200})" "\n");
    // A track on the drone, updated every 50 s with the right velocity.
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
    config_.tracks_path = Path("tracks.jsonl");
  }
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
