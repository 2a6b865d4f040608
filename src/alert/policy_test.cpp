#include "alert/policy.h"

#include <fstream>

#include <gtest/gtest.h>

namespace tocsin::alert {
namespace {

void ExpectSame(const CategoryPolicy& a, const CategoryPolicy& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.lead_margin.value(), b.lead_margin.value());
  EXPECT_EQ(a.hold.value(), b.hold.value());
  EXPECT_EQ(a.min_confidence, b.min_confidence);
  EXPECT_EQ(a.prealert_horizon.value(), b.prealert_horizon.value());
  EXPECT_EQ(a.prealert_min_confidence, b.prealert_min_confidence);
  EXPECT_EQ(a.destroyed_hold.value(), b.destroyed_hold.value());
  EXPECT_EQ(a.lost_coast.value(), b.lost_coast.value());
  EXPECT_EQ(a.max_uncertainty.value(), b.max_uncertainty.value());
}

std::string ErrorOf(const std::string& text) {
  auto r = ParsePolicy(text, "p.json");
  EXPECT_FALSE(r.ok()) << "accepted: " << text;
  return r.ok() ? "" : r.status().message();
}

TEST(PolicyTest, ShippedDefaultFileEqualsEmbeddedDefaults) {
  const std::string path = std::string(TOCSIN_SOURCE_DIR) + "/data/policy/default-policy.json";
  auto p = LoadPolicyFile(path);
  ASSERT_TRUE(p.ok()) << p.status().message();
  const Policy d = Policy::Defaults();
  for (int i = 0; i < kCategoryCount; ++i)
    ExpectSame(p->categories[i], d.categories[i], std::string(ToString(static_cast<ThreatCategory>(i))));
}

TEST(PolicyTest, EmptyObjectGivesBaseValuesForEveryCategory) {
  auto p = ParsePolicy("{}", "p.json");
  ASSERT_TRUE(p.ok()) << p.status().message();
  for (int i = 0; i < kCategoryCount; ++i) ExpectSame(p->categories[i], CategoryPolicy{}, "base");
}

TEST(PolicyTest, TopLevelAppliesToAllAndCategoryOverridesOnlyItsCategory) {
  auto p = ParsePolicy(R"({"hold_s": 45, "lead_margin_s": 10, "failsafe": {"max_uncertainty_m": 5000},
                           "categories": {"drone": {"hold_s": 200, "failsafe": {"max_uncertainty_m": 8000}},
                                          "rocket": {"min_confidence": 0.2}}})",
                       "p.json");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->For(ThreatCategory::kDrone).hold.value(), 200);
  EXPECT_EQ(p->For(ThreatCategory::kDrone).max_uncertainty.value(), 8000);
  EXPECT_EQ(p->For(ThreatCategory::kDrone).lead_margin.value(), 10);
  EXPECT_EQ(p->For(ThreatCategory::kCruiseMissile).hold.value(), 45);
  EXPECT_EQ(p->For(ThreatCategory::kCruiseMissile).max_uncertainty.value(), 5000);
  EXPECT_EQ(p->For(ThreatCategory::kRocket).min_confidence, 0.2);
  EXPECT_EQ(p->For(ThreatCategory::kRocket).hold.value(), 45);
  EXPECT_EQ(p->For(ThreatCategory::kUnknown).min_confidence, CategoryPolicy{}.min_confidence);
}

TEST(PolicyTest, RejectsInvalidJsonWithSourceName) {
  const std::string e = ErrorOf("{\"hold_s\": ");
  EXPECT_NE(e.find("p.json"), std::string::npos) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST(PolicyTest, RejectsNonObject) {
  EXPECT_NE(ErrorOf("[1,2]").find("must be a JSON object"), std::string::npos);
}

TEST(PolicyTest, RejectsUnknownTopLevelKey) {
  const std::string e = ErrorOf(R"({"hold": 30})");
  EXPECT_NE(e.find("p.json: hold: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("hold_s"), std::string::npos) << "should list the known keys: " << e;
}

TEST(PolicyTest, RejectsUnknownCategory) {
  const std::string e = ErrorOf(R"({"categories": {"balloon": {}}})");
  EXPECT_NE(e.find("categories.balloon: unknown category"), std::string::npos) << e;
}

TEST(PolicyTest, RejectsUnknownKeyInCategoryAndNestedCategories) {
  EXPECT_NE(ErrorOf(R"({"categories": {"drone": {"hold_ss": 3}}})").find("categories.drone.hold_ss: unknown key"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"categories": {"drone": {"categories": {}}}})").find("categories.drone.categories: unknown key"),
            std::string::npos);
}

TEST(PolicyTest, RejectsUnknownFailsafeKey) {
  const std::string e = ErrorOf(R"({"failsafe": {"max_uncertainty": 3}})");
  EXPECT_NE(e.find("failsafe.max_uncertainty: unknown key"), std::string::npos) << e;
}

TEST(PolicyTest, RejectsWrongTypes) {
  EXPECT_NE(ErrorOf(R"({"hold_s": "90"})").find("hold_s: must be a number (seconds), got string"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"min_confidence": true})").find("min_confidence: must be a number"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"failsafe": 5})").find("failsafe: must be a JSON object, got number"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"categories": []})").find("categories: must be a JSON object"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"categories": {"drone": 1}})").find("categories.drone: must be a JSON object"),
            std::string::npos);
}

TEST(PolicyTest, RejectsOutOfRangeValues) {
  EXPECT_NE(ErrorOf(R"({"hold_s": -1})").find("hold_s: must be seconds in [0, 3600], got -1"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"lead_margin_s": 4000})").find("lead_margin_s: must be seconds in [0, 3600], got 4000"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"min_confidence": 1.5})").find("min_confidence: must be a confidence in [0, 1]"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"failsafe": {"max_uncertainty_m": 0}})").find("failsafe.max_uncertainty_m: must be metres in (0, 1e+06]"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"categories": {"rocket": {"prealert_horizon_s": 10000}}})")
                .find("categories.rocket.prealert_horizon_s: must be seconds in [0, 7200]"),
            std::string::npos);
}

TEST(PolicyTest, ListsEveryProblemNotJustTheFirst) {
  const std::string e = ErrorOf(R"({"hold_s": -1, "bogus": 1, "categories": {"drone": {"min_confidence": 2}}})");
  EXPECT_NE(e.find("hold_s"), std::string::npos) << e;
  EXPECT_NE(e.find("bogus"), std::string::npos) << e;
  EXPECT_NE(e.find("categories.drone.min_confidence"), std::string::npos) << e;
}

TEST(PolicyTest, MissingFileNamesThePath) {
  auto r = LoadPolicyFile("/nonexistent/policy.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/policy.json: cannot open"), std::string::npos);
}

TEST(PolicyTest, FileErrorsNameTheFile) {
  const std::string path = ::testing::TempDir() + "/bad-policy.json";
  std::ofstream(path) << R"({"categories": {"drone": {"hold_s": "x"}}})";
  auto r = LoadPolicyFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path + ": categories.drone.hold_s: must be a number"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace tocsin::alert
