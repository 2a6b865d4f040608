#include "server/serve_config.h"

#include <gtest/gtest.h>

namespace tocsin::server {
namespace {

TEST(ServeConfig, ReportRetentionDefaultsToTwoDaysAndIsReadInHours) {
  auto defaults = ParseServeConfig("{}", "test.json");
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_DOUBLE_EQ(defaults->live.report_retention_s, 48 * 3600.0);
  auto six = ParseServeConfig(R"({"live": {"report_retention_h": 6}})", "test.json");
  ASSERT_TRUE(six.ok()) << six.status().message();
  EXPECT_DOUBLE_EQ(six->live.report_retention_s, 6 * 3600.0);
}

// A restart re-runs the last restore_window_s of stored reports: a retention shorter
// than that would delete what the restart needs.
TEST(ServeConfig, RetentionShorterThanTheRestoreWindowIsRefusedNamingBoth) {
  auto c = ParseServeConfig(R"({"live": {"report_retention_h": 0.1, "restore_window_s": 600}})", "test.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("live.report_retention_h"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("restore_window_s"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace tocsin::server
