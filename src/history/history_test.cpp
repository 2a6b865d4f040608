#include "history/history.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "history/csv.h"

namespace tocsin::history {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("tocsin_history_" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(Csv, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  std::istringstream in("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x\n");
  CsvReader r(in);
  std::vector<std::string> f;
  ASSERT_TRUE(r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"a", "b, c", "say \"hi\""}));
  ASSERT_TRUE(r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"multi\nline", "x"}));
  EXPECT_EQ(r.line(), 2);
  EXPECT_FALSE(r.Next(&f));
}

TEST(Csv, UnterminatedQuoteIsReportedNotHung) {
  std::istringstream in("a,\"never closed\n");
  CsvReader r(in);
  std::vector<std::string> f;
  ASSERT_TRUE(r.Next(&f));
  EXPECT_FALSE(r.error().empty());
  EXPECT_FALSE(r.Next(&f));
}

// Two Odesa alerts (one hour, then 30 min overlapping a second 30 min one), and a
// Kyiv City alert that runs across midnight at the new year.
const char* kUa =
    "region,started_at,finished_at,n_subalerts,duration_minutes\n"
    "Odeska oblast,2023-05-01T10:00:00Z,2023-05-01T11:00:00Z,1,60\n"
    "Odeska oblast,2023-05-02T10:00:00Z,2023-05-02T10:30:00Z,1,30\n"
    "Odeska oblast,2023-05-02T10:15:00Z,2023-05-02T10:45:00Z,1,30\n"
    "Kyiv City,2023-12-31T23:00:00Z,2024-01-01T01:00:00Z,1,120\n"
    "Atlantis oblast,2023-05-01T10:00:00Z,2023-05-01T11:00:00Z,1,60\n"
    "Odeska oblast,yesterday,2023-05-01T11:00:00Z,1,60\n";

TEST(History, UaOblastHoursMergeOverlapsAndSplitAtYearBoundary) {
  std::map<std::string, RegionInfo> regions{{"UA-51", {"Odesa", 2'000'000}},
                                            {"UA-30", {"Kyiv City", 3'000'000}}};
  auto data = ReadUaOblastHistory(WriteTemp("ua.csv", kUa), regions);
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->rows, 6);
  ASSERT_EQ(data->rejected.size(), 2u);
  EXPECT_NE(data->rejected[0].find(":6: unknown oblast 'Atlantis oblast'"), std::string::npos)
      << data->rejected[0];
  EXPECT_NE(data->rejected[1].find(":7: bad timestamp"), std::string::npos) << data->rejected[1];

  Summary s = Summarise(*data, Period::kYear, 2);
  ASSERT_EQ(s.regions.size(), 2u);
  const auto& kyiv = s.regions[0];
  EXPECT_EQ(kyiv.id, "UA-30");
  EXPECT_DOUBLE_EQ(kyiv.periods.at("2023").hours, 1.0);
  EXPECT_DOUBLE_EQ(kyiv.periods.at("2024").hours, 1.0);
  EXPECT_DOUBLE_EQ(kyiv.people_hours, 2.0 * 3'000'000);
  const auto& odesa = s.regions[1];
  // 1 h + merged 10:00-10:45 = 1.75 h, two merged alerts.
  EXPECT_DOUBLE_EQ(odesa.total_hours, 1.75);
  EXPECT_EQ(odesa.total_alerts, 2);
  EXPECT_DOUBLE_EQ(odesa.people_hours, 1.75 * 2'000'000);
  ASSERT_EQ(s.longest.size(), 2u);
  EXPECT_EQ(s.longest[0].region, "UA-30");
}

TEST(History, IsraelAreaAlertsKeepPeopleInShelterTenMinutes) {
  const char* kIl =
      "data,date,time,alertDate,category,category_desc,matrix_id,rid\n"
      "\"A, B\",01.05.2023,10:00:00,2023-05-01T10:00:00,1,rockets,1,1\n"
      "C,01.05.2023,10:05:00,2023-05-01T10:05:00,2,aircraft,1,2\n"
      "A,01.05.2023,10:05:00,2023-05-01T10:05:00,15,drill,1,3\n"
      "Z,bad,bad,not-a-date,1,rockets,1,4\n";
  std::map<std::string, std::string> area_region{{"A", "North"}, {"B", "North"}};
  auto data = ReadIsraelHistory(WriteTemp("il.csv", kIl), area_region, {});
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->rejected.size(), 1u);
  Summary s = Summarise(*data, Period::kMonth, 5);
  ASSERT_EQ(s.regions.size(), 2u);
  EXPECT_EQ(s.regions[0].id, "North");  // A and B at 10:00 merge: 10 minutes
  EXPECT_NEAR(s.regions[0].periods.at("2023-05").hours, 10.0 / 60, 1e-9);
  EXPECT_EQ(s.regions[1].id, "unmatched");  // C is not in the catalog
}

TEST(History, WrongFileIsRejectedWithAClearMessage) {
  auto data = ReadUaOblastHistory(WriteTemp("wrong.csv", "x,y\n1,2\n"), {});
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.status().message().find("expected a header"), std::string::npos);
  auto missing = ReadUaOblastHistory("/nonexistent/file.csv", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos);
}

TEST(History, RealUkrainianHistoryReadsWithoutRejections) {
  std::string path = std::string(TOCSIN_SHARED_DIR) + "/data/history/ua-oblast-alerts-2022-2026.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "skipped: " << path << " absent (../shared not beside the project)";
  std::map<std::string, RegionInfo> regions;
  auto data = ReadUaOblastHistory(path, regions);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->rows, 74'675);
  EXPECT_TRUE(data->rejected.empty()) << data->rejected.front();
  Summary s = Summarise(*data, Period::kYear, 3);
  EXPECT_EQ(s.regions.size(), 24u);
}

}  // namespace
}  // namespace tocsin::history
