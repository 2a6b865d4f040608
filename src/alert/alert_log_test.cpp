#include "alert/alert_log.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "alert/alert_ids.h"

namespace tocsin::alert {
namespace {

AlertEvent Start() {
  AlertEvent e;
  e.kind = AlertEventKind::kStart;
  e.alert = AlertId("A-000017");
  e.zone = ZoneId("UA53080000000000000");
  e.time = UnixTime(1757203400.0);
  e.threats = {TrackId("trk-42")};
  e.category = ThreatCategory::kDrone;
  e.expected_s = 412.0;
  return e;
}

AlertEvent End() {
  AlertEvent e;
  e.kind = AlertEventKind::kEnd;
  e.alert = AlertId("A-000017");
  e.zone = ZoneId("UA53080000000000000");
  e.time = UnixTime(1757203911.0);
  e.reason = EndReason::kThreatPassed;
  return e;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(AlertLogTest, StartAndEndLinesMatchTheContractExamples) {
  // The two lines of spec/alert-log.md, byte for byte.
  EXPECT_EQ(ToJsonLine(Start()),
            R"({"event":"start","alert":"A-000017","zone":"UA53080000000000000","time":1757203400.0,"threats":["trk-42"],"category":"drone","expected_s":412.0})");
  EXPECT_EQ(ToJsonLine(End()),
            R"({"event":"end","alert":"A-000017","zone":"UA53080000000000000","time":1757203911.0,"reason":"threat_passed"})");
}

TEST(AlertLogTest, PreAlertWithoutExpectedAndFractionalTime) {
  AlertEvent e = Start();
  e.kind = AlertEventKind::kPreStart;
  e.alert = AlertId("P-000001");
  e.expected_s.reset();
  e.time = UnixTime(1757203721.955832);
  e.threats = {TrackId("trk-1"), TrackId("trk-2")};
  e.category = ThreatCategory::kBallisticMissile;
  EXPECT_EQ(ToJsonLine(e),
            R"({"event":"prestart","alert":"P-000001","zone":"UA53080000000000000","time":1757203721.955832,"threats":["trk-1","trk-2"],"category":"ballistic_missile"})");
  AlertEvent p = End();
  p.kind = AlertEventKind::kPreEnd;
  p.reason = EndReason::kTrackLost;
  EXPECT_NE(ToJsonLine(p).find(R"("event":"preend")"), std::string::npos);
  EXPECT_NE(ToJsonLine(p).find(R"("reason":"track_lost")"), std::string::npos);
}

TEST(AlertLogTest, EveryReasonHasItsContractName) {
  EXPECT_EQ(ToString(EndReason::kThreatPassed), "threat_passed");
  EXPECT_EQ(ToString(EndReason::kThreatDestroyed), "threat_destroyed");
  EXPECT_EQ(ToString(EndReason::kTrackLost), "track_lost");
  EXPECT_EQ(ToString(EndReason::kOperator), "operator");
}

TEST(AlertLogTest, ParseRoundTripsAndSkipsUnknownKinds) {
  for (const AlertEvent& e : {Start(), End()}) {
    auto p = ParseAlertLogLine(ToJsonLine(e));
    ASSERT_TRUE(p.ok()) << p.status().message();
    ASSERT_TRUE(p->has_value());
    EXPECT_EQ(**p, e);
  }
  auto unknown = ParseAlertLogLine(R"({"event":"heartbeat","time":1})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  EXPECT_FALSE(ParseAlertLogLine("{not json").ok());
  EXPECT_FALSE(ParseAlertLogLine(R"({"event":"start","zone":"Z"})").ok());
}

TEST(AlertLogTest, WriterFlushesEachEventAsOneLine) {
  const std::string path = ::testing::TempDir() + "/alerts-writer.jsonl";
  auto w = JsonlAlertLogWriter::Open(path, /*append=*/false);
  ASSERT_TRUE(w.ok()) << w.status().message();
  (*w)->Emit(Start());
  // Visible to a reader before the writer is closed.
  auto lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], ToJsonLine(Start()));
  (*w)->Emit(End());
  EXPECT_TRUE((*w)->status().ok());
  lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], ToJsonLine(End()));
}

TEST(AlertLogTest, WriterOpenFailureNamesThePath) {
  auto w = JsonlAlertLogWriter::Open("/nonexistent-dir/alerts.jsonl", false);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("/nonexistent-dir/alerts.jsonl"), std::string::npos);
}

TEST(AlertIdsTest, FormatAndNumber) {
  EXPECT_EQ(AlertIdAllocator::Format('A', 1).str(), "A-000001");
  EXPECT_EQ(AlertIdAllocator::Format('P', 1234567).str(), "P-1234567");
  EXPECT_EQ(AlertIdAllocator::Number('A', "A-000017"), 17u);
  EXPECT_FALSE(AlertIdAllocator::Number('A', "P-000017").has_value());
  EXPECT_FALSE(AlertIdAllocator::Number('A', "A-12x").has_value());
}

TEST(AlertIdsTest, RestoredAllocatorContinuesAndNeverGoesBack) {
  AlertIdAllocator a;
  EXPECT_EQ(a.NextAlert().str(), "A-000001");
  EXPECT_EQ(a.NextPreAlert().str(), "P-000001");
  EXPECT_EQ(a.NextAlert().str(), "A-000002");
  AlertIdAllocator b(a.state());
  EXPECT_EQ(b.NextAlert().str(), "A-000003");
  b.Restore({1, 1});  // older state: ignored
  EXPECT_EQ(b.NextAlert().str(), "A-000004");
  EXPECT_EQ(b.NextPreAlert().str(), "P-000002");
}

TEST(AlertLogStateTest, ReadsNextIdsAndOpenAlerts) {
  const std::string path = ::testing::TempDir() + "/alerts-state.jsonl";
  {
    std::ofstream out(path);
    AlertEvent s = Start();
    out << ToJsonLine(s) << "\n";
    AlertEvent s2 = Start();
    s2.alert = AlertId("A-000020");
    s2.zone = ZoneId("Z2");
    out << ToJsonLine(s2) << "\n" << R"({"event":"future_kind","x":1})" << "\n";
    AlertEvent p = Start();
    p.kind = AlertEventKind::kPreStart;
    p.alert = AlertId("P-000005");
    out << ToJsonLine(p) << "\n" << ToJsonLine(End()) << "\n";
  }
  auto st = ReadAlertLogState(path);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->next_alert, 21u);
  EXPECT_EQ(st->next_prealert, 6u);
  ASSERT_EQ(st->open.size(), 2u);  // A-000017 ended
  EXPECT_EQ(st->open[0].alert.str(), "A-000020");
  EXPECT_EQ(st->open[1].alert.str(), "P-000005");
}

TEST(AlertLogStateTest, BuilderListsEachOpenAlertOnceAtItsFirstStartWithItsLatestStart) {
  auto ev = [](AlertEventKind kind, const std::string& id, const std::string& zone, double t) {
    AlertEvent e = Start();
    e.kind = kind;
    e.alert = AlertId(id);
    e.zone = ZoneId(zone);
    e.time = UnixTime(t);
    return e;
  };
  std::vector<AlertEvent> events = {
      ev(AlertEventKind::kStart, "A-000003", "Z1", 10),
      ev(AlertEventKind::kPreStart, "P-000009", "Z2", 11),
      ev(AlertEventKind::kStart, "A-000004", "Z3", 12),
      ev(AlertEventKind::kEnd, "A-000003", "Z1", 13),
      ev(AlertEventKind::kPreEnd, "P-000009", "Z2", 14),
      ev(AlertEventKind::kStart, "A-000003", "Z1", 15),   // restarted after its end
      ev(AlertEventKind::kEnd, "A-000077", "Z9", 16),     // end of an alert never started here
      ev(AlertEventKind::kPreStart, "P-000002", "Z4", 17),
  };
  AlertLogStateBuilder builder;
  EXPECT_EQ(builder.Build().next_alert, 1u);
  EXPECT_TRUE(builder.Build().open.empty());
  for (const auto& e : events) builder.Add(e);
  const AlertLogState st = builder.Build();
  EXPECT_EQ(st.next_alert, 78u);     // the ended A-000077 counts: ids never go back
  EXPECT_EQ(st.next_prealert, 10u);  // P-000009, though it ended
  ASSERT_EQ(st.open.size(), 3u);
  EXPECT_EQ(st.open[0].alert.str(), "A-000003");  // at its first start, listed once
  EXPECT_EQ(st.open[0].time.seconds(), 15);        // with its latest start event
  EXPECT_EQ(st.open[1].alert.str(), "A-000004");
  EXPECT_EQ(st.open[2].alert.str(), "P-000002");

  // ReadAlertLogState is the same fold over the same events as a log file.
  const std::string path = ::testing::TempDir() + "/alerts-builder.jsonl";
  {
    std::ofstream out(path);
    for (const auto& e : events) out << ToJsonLine(e) << "\n";
  }
  auto read = ReadAlertLogState(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->next_alert, st.next_alert);
  EXPECT_EQ(read->next_prealert, st.next_prealert);
  EXPECT_EQ(read->open, st.open);
}

TEST(AlertLogStateTest, MissingLogIsAFreshStartAndBadLineNamesFileAndLine) {
  auto fresh = ReadAlertLogState(::testing::TempDir() + "/no-such-log.jsonl");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->next_alert, 1u);
  const std::string path = ::testing::TempDir() + "/alerts-bad.jsonl";
  std::ofstream(path) << ToJsonLine(Start()) << "\n{broken\n";
  auto bad = ReadAlertLogState(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path + ": line 2: not valid JSON"), std::string::npos)
      << bad.status().message();
}

TEST(AlertLogStateTest, ReadsTheSharedExampleLog) {
  const std::string path = std::string(TOCSIN_SHARED_DIR) + "/spec/example/alerts.jsonl";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared example absent: " << path;
  auto st = ReadAlertLogState(path);
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_GT(st->next_alert, 1u);
  EXPECT_GT(st->next_prealert, 1u);
}

}  // namespace
}  // namespace tocsin::alert
