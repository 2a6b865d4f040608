// RunScore end to end on files in a temporary folder: output, messages, exit codes.
#include "eval/run_score.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "eval/run_score_fixture.h"

namespace tocsin::eval {
namespace {

using RunScoreTest = testing::RunScoreFixture;

TEST_F(RunScoreTest, PrintsJsonWithTheExampleFields) {
  // One alert [900, 1200] on Z1 (population 3600): warning 82.03 s, burden 300 s x 3600
  // people = 300 people-hours.
  Write("alerts.jsonl", R"({"event":"start","alert":"A1","zone":"Z1","time":900})" "\n"
                        R"({"event":"end","alert":"A1","zone":"Z1","time":1200})" "\n");
  config_.json = true;
  ASSERT_EQ(Run(), kScoreOk) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j.at("pairs"), 1);
  EXPECT_EQ(j.at("scored"), 1);
  EXPECT_EQ(j.at("missed"), 0);
  EXPECT_NEAR(j.at("warning_median_s").get<double>(), 82.03, 0.05);
  EXPECT_NEAR(j.at("burden").get<double>(), 300, 1e-9);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(RunScoreTest, TableByDefault) {
  Write("alerts.jsonl", "");
  ASSERT_EQ(Run(), kScoreOk) << err_.str();
  EXPECT_NE(out_.str().find("missed"), std::string::npos);
  EXPECT_NE(out_.str().find("people-hours"), std::string::npos);
  EXPECT_NE(out_.str().find("zone Z1  threat D1"), std::string::npos) << out_.str();
}

TEST_F(RunScoreTest, UnreadableLinesAreScoredAroundWarnedAndExitThree) {
  Write("alerts.jsonl", "garbage\n" R"({"event":"start","alert":"A1","zone":"Z1","time":900})" "\n"
                        R"({"event":"start","alert":"A2","zone":"Z9","time":900})" "\n");
  config_.json = true;
  EXPECT_EQ(Run(), kScoreWithBadLines);
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j.at("unreadable_lines"), 1);
  EXPECT_EQ(j.at("alerts"), 1);
  EXPECT_NE(err_.str().find(Path("alerts.jsonl") + ": line 1: not valid JSON"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("line 3: alert A2 is on zone \"Z9\""), std::string::npos) << err_.str();
}

TEST_F(RunScoreTest, BadTruthFailsWithFileAndReason) {
  Write("truth.json", R"({"threats":[{"id":"D1","kind":"ufo"}]})");
  Write("alerts.jsonl", "");
  EXPECT_EQ(Run(), kScoreFailed);
  EXPECT_EQ(out_.str(), "");
  EXPECT_NE(err_.str().find(Path("truth.json") + ": threat 0 (id D1): \"kind\""), std::string::npos) << err_.str();
}

TEST_F(RunScoreTest, MissingLogOrCatalogFails) {
  EXPECT_EQ(Run(), kScoreFailed);  // alerts.jsonl was never written
  EXPECT_NE(err_.str().find("cannot open"), std::string::npos) << err_.str();
  Write("alerts.jsonl", "");
  config_.zones = Path("nope.geojson");
  EXPECT_EQ(Run(), kScoreFailed);
  EXPECT_NE(err_.str().find("nope"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace tocsin::eval
