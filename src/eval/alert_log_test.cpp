#include "eval/alert_log.h"

#include <sstream>

#include <gtest/gtest.h>

namespace tocsin::eval {
namespace {

AlertLog Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseAlertLog(in, "alerts.jsonl");
}

TEST(AlertLog, ReadsStartsEndsAndPrealerts) {
  const AlertLog log = Parse(
      R"({"event":"start","alert":"A-1","zone":"Z1","time":100.0,"threats":["trk-1"],"category":"drone","expected_s":60})"
      "\n"
      R"({"event":"prestart","alert":"P-1","zone":"Z2","time":90.0,"threats":["trk-1"],"category":"drone"})"
      "\n\n"
      R"({"event":"end","alert":"A-1","zone":"Z1","time":200.0,"reason":"threat_passed"})"
      "\n"
      R"({"event":"start","alert":"A-2","zone":"Z2","time":150.0})"
      "\n"
      R"({"event":"heartbeat","time":160.0})"
      "\n");
  ASSERT_EQ(log.alerts.size(), 2u);
  EXPECT_EQ(log.alerts[0].id.str(), "A-1");
  EXPECT_EQ(log.alerts[0].zone.str(), "Z1");
  EXPECT_DOUBLE_EQ(log.alerts[0].start, 100);
  EXPECT_DOUBLE_EQ(*log.alerts[0].end, 200);
  EXPECT_EQ(log.alerts[0].start_line, 1);
  EXPECT_EQ(log.alerts[0].end_line, 4);
  EXPECT_FALSE(log.alerts[1].end.has_value());  // open when the log ends
  ASSERT_EQ(log.prealerts.size(), 1u);
  EXPECT_FALSE(log.prealerts[0].end.has_value());
  EXPECT_EQ(log.skipped_events, 1u);
  EXPECT_TRUE(log.unreadable.empty());
  EXPECT_TRUE(log.inconsistent.empty());
}

TEST(AlertLog, UnreadableLinesAreCountedWithNumbersAndReadingGoesOn) {
  const AlertLog log = Parse(
      "not json\n"
      "[1,2]\n"
      R"({"alert":"A-1"})" "\n"
      R"({"event":"start","zone":"Z1","time":1})" "\n"
      R"({"event":"start","alert":"A-1","time":1})" "\n"
      R"({"event":"start","alert":"A-1","zone":"Z1","time":"noon"})" "\n"
      R"({"event":"start","alert":"A-1","zone":"Z1","time":1e999})" "\n"
      R"({"event":"start","alert":"A-1","zone":"Z1","time":5})" "\n"
      "{\"event\":\"end\",\"alert\":\"A-1\",\"time\":9}\n"  // an end may omit the zone
      "{\"event\":\"start\",\"alert\":\"A-2\",\"zone\":\"Z1\",\"ti");  // cut off
  ASSERT_EQ(log.unreadable.size(), 8u);
  const int lines[] = {1, 2, 3, 4, 5, 6, 7, 10};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(log.unreadable[i].line, lines[i]) << log.unreadable[i].reason;
  EXPECT_NE(log.unreadable[0].reason.find("not valid JSON"), std::string::npos);
  EXPECT_NE(log.unreadable[4].reason.find("\"zone\""), std::string::npos);
  EXPECT_EQ(Describe(log.source, log.unreadable[1]), "alerts.jsonl: line 2: not a JSON object");
  ASSERT_EQ(log.alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(*log.alerts[0].end, 9);
}

TEST(AlertLog, InconsistentLinesAreReportedAndHandled) {
  const AlertLog log = Parse(
      R"({"event":"start","alert":"A-1","zone":"Z1","time":100})" "\n"
      R"({"event":"start","alert":"A-1","zone":"Z2","time":110})" "\n"   // duplicate id: ignored
      R"({"event":"end","alert":"A-9","zone":"Z1","time":120})" "\n"     // no start: ignored
      R"({"event":"end","alert":"A-1","zone":"Z3","time":130})" "\n"     // other zone: start's kept
      R"({"event":"end","alert":"A-1","zone":"Z1","time":140})" "\n"     // second end: ignored
      R"({"event":"start","alert":"A-2","zone":"Z1","time":300})" "\n"
      R"({"event":"end","alert":"A-2","zone":"Z1","time":250})" "\n"     // before start: 0 s
      R"({"event":"preend","alert":"A-2","zone":"Z1","time":400})" "\n");  // pre-alert ids are apart
  ASSERT_EQ(log.alerts.size(), 2u);
  EXPECT_EQ(log.alerts[0].zone.str(), "Z1");
  EXPECT_DOUBLE_EQ(*log.alerts[0].end, 130);
  EXPECT_DOUBLE_EQ(*log.alerts[1].end, 300);
  ASSERT_EQ(log.inconsistent.size(), 6u);
  const int lines[] = {2, 3, 4, 5, 7, 8};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(log.inconsistent[i].line, lines[i]) << log.inconsistent[i].reason;
  EXPECT_NE(log.inconsistent[0].reason.find("already started on line 1"), std::string::npos);
  EXPECT_TRUE(log.unreadable.empty());
}

TEST(AlertLog, MissingFileIsAnError) {
  auto log = ReadAlertLogFile("/nonexistent/alerts.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::eval
