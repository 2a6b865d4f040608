#include "eval/truth.h"

#include <gtest/gtest.h>

namespace tocsin::eval {
namespace {

const char* kGood = R"({"name": "t", "epoch": 100, "zones": "ua-hromadas",
 "threats": [
  {"id": "D1", "kind": "drone", "model": "Shahed-136",
   "points": [[100.0, 46.1, 37.5, 300.0], [110.0, 46.1, 37.52, 300.0]],
   "end": "impact", "first_seen": 105.0},
  {"id": "B1", "kind": "ballistic_missile", "model": "Iskander-M",
   "points": [[200.0, 46.0, 37.0, 0.0]], "end": "destroyed", "first_seen": null}
 ]})";

// Replaces the first occurrence of `from` in kGood with `to`.
std::string GoodWith(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

// The error message for a variant of kGood; fails the test when it parses.
std::string ErrorFor(const std::string& text) {
  auto t = ParseTruth(text, "truth.json");
  EXPECT_FALSE(t.ok());
  return t.ok() ? "" : t.status().message();
}

TEST(Truth, ReadsTheSpecShape) {
  auto t = ParseTruth(kGood, "truth.json");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->name, "t");
  EXPECT_EQ(t->zones, "ua-hromadas");
  ASSERT_EQ(t->threats.size(), 2u);
  EXPECT_EQ(t->threats[0].kind, ThreatCategory::kDrone);
  EXPECT_EQ(t->threats[0].points.size(), 2u);
  EXPECT_DOUBLE_EQ(t->threats[0].points[1].position.lon, 37.52);
  EXPECT_EQ(*t->threats[0].first_seen, 105.0);
  EXPECT_EQ(t->threats[1].kind, ThreatCategory::kBallisticMissile);
  EXPECT_EQ(t->threats[1].end, FlightEnd::kDestroyed);
  EXPECT_FALSE(t->threats[1].first_seen.has_value());
  EXPECT_DOUBLE_EQ(*t->LastTime(), 200.0);
}

TEST(Truth, SyntaxErrorNamesTheLine) {
  const std::string m = ErrorFor("{\"name\": \"t\",\n \"threats\": [\n  {oops}\n]}");
  EXPECT_NE(m.find("truth.json: line 3"), std::string::npos) << m;
}

TEST(Truth, RejectsBadThreatsWithIndexAndReason) {
  EXPECT_NE(ErrorFor(GoodWith("\"drone\"", "\"balloon\"")).find("threat 0 (id D1): \"kind\""), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("\"drone\"", "\"unknown\"")).find("\"kind\""), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("[110.0, 46.1", "[90.0, 46.1")).find("point 1: time 90"), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("[110.0, 46.1", "[110.0, 96.1")).find("point 1: lat 96.1"), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("37.52", "181")).find("out of range"), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("[[200.0, 46.0, 37.0, 0.0]]", "[]")).find("threat 1 (id B1): \"points\""),
            std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("[200.0, 46.0, 37.0, 0.0]", "[200.0, 46.0, 37.0]")).find("point 0"),
            std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("[200.0, 46.0, 37.0, 0.0]", "[200.0, \"46\", 37.0, 0.0]")).find("element 1"),
            std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("\"impact\"", "\"landed\"")).find("\"end\""), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("\"first_seen\": 105.0", "\"first_seen\": \"soon\"")).find("first_seen"),
            std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith(", \"first_seen\": null", "")).find("\"first_seen\" is missing"),
            std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("\"B1\"", "\"D1\"")).find("threat 1 (id D1): id is used"), std::string::npos);
  EXPECT_NE(ErrorFor(GoodWith("\"B1\"", "7")).find("threat 1: \"id\""), std::string::npos);
}

TEST(Truth, RejectsWrongTopLevel) {
  EXPECT_NE(ErrorFor("[]").find("top level"), std::string::npos);
  EXPECT_NE(ErrorFor("{\"threats\": {}}").find("\"threats\" must be an array"), std::string::npos);
  EXPECT_NE(ErrorFor("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ErrorFor(std::string(100000, '[')).find("not valid JSON"), std::string::npos);
}

TEST(Truth, EqualTimesAreAllowed) {
  auto t = ParseTruth(GoodWith("[110.0, 46.1", "[100.0, 46.1"), "truth.json");
  EXPECT_TRUE(t.ok()) << t.status().message();
}

TEST(Truth, MissingFileSaysSo) {
  auto t = ReadTruthFile("/nonexistent/truth.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("/nonexistent/truth.json: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::eval
