#include "store/event_store.h"

#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alert/alert_ids.h"
#include "alert/alert_log.h"
#include "store/test_util.h"

namespace tocsin::store {
namespace {

using ::testing::HasSubstr;
using testing::End;
using testing::RadarReport;
using testing::Start;
using testing::TempDir;

std::unique_ptr<EventStore> OpenOrDie(const std::string& path) {
  auto s = EventStore::Open(StoreOptions{.path = path});
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

// Runs SQL on the file directly (to build foreign or damaged files).
void RawSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(EventStore, ReportRoundTripKeepsEveryFieldAndRawBytesExactly) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  ASSERT_TRUE(store);

  std::vector<ReportRecord> in;
  in.push_back(RadarReport(1757203325.125));
  in[0].report.radial_velocity_mps = -31.5;
  in[0].report.class_hint = ThreatCategory::kDrone;
  in[0].report.snr_db = 17.5;
  in[0].raw = ingest::ReportToJsonLine(in[0].report);  // with a newline, as read
  ReportRecord pos;
  pos.received_at = UnixTime(1757203330.5);
  pos.report.sensor = SensorId("OBS \"quoted\" \xC3\xA9");
  pos.report.time = UnixTime(1757203330.0);
  pos.report.kind = ingest::ReportKind::kPosition;
  pos.report.position = LatLon{49.912, 33.204};
  pos.report.sigma_m = 1500;
  pos.format = RawFormat::kAsterix;
  pos.raw = std::string("\x30\x00\x11\xff\x00\x80", 6) + std::string(1 << 20, '\x01');  // NULs, high bytes, 1 MiB
  in.push_back(pos);
  ReportRecord bearing = RadarReport(1757203326.5, "AC-0412");
  bearing.report.kind = ingest::ReportKind::kBearing;
  bearing.report.elevation_deg.reset();
  bearing.raw.clear();  // not kept
  bearing.format = RawFormat::kSapient;
  in.push_back(bearing);

  auto seqs = store->AppendReports(in);
  ASSERT_TRUE(seqs.ok()) << seqs.status().message();
  EXPECT_EQ(seqs->first, 1);
  EXPECT_EQ(seqs->last, 3);

  auto out = store->RecentReports(UnixTime(0), 10);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 3u);
  // Time order: radar (…325.125), bearing (…326.5), position (…330).
  EXPECT_EQ((*out)[0].seq, 1);
  EXPECT_EQ((*out)[1].seq, 3);
  EXPECT_EQ((*out)[2].seq, 2);
  const ReportRecord& r = (*out)[0].record;
  EXPECT_EQ(r.report.time, in[0].report.time);  // exact, not rounded to ms
  EXPECT_EQ(r.received_at, in[0].received_at);
  EXPECT_EQ(r.report.sensor, in[0].report.sensor);
  EXPECT_EQ(r.report.kind, ingest::ReportKind::kRadar);
  EXPECT_DOUBLE_EQ(r.report.range_m, 84210.5);
  EXPECT_DOUBLE_EQ(r.report.azimuth_deg, 131.27);
  EXPECT_DOUBLE_EQ(*r.report.elevation_deg, 0.41);
  EXPECT_DOUBLE_EQ(*r.report.radial_velocity_mps, -31.5);
  EXPECT_EQ(r.report.class_hint, ThreatCategory::kDrone);
  EXPECT_DOUBLE_EQ(*r.report.snr_db, 17.5);
  EXPECT_EQ(r.raw, in[0].raw);
  EXPECT_EQ(r.format, RawFormat::kJson);

  const ReportRecord& p = (*out)[2].record;
  EXPECT_EQ(p.report.sensor, pos.report.sensor);
  EXPECT_EQ(p.report.kind, ingest::ReportKind::kPosition);
  EXPECT_DOUBLE_EQ(p.report.position.lat, 49.912);
  EXPECT_DOUBLE_EQ(p.report.position.lon, 33.204);
  EXPECT_DOUBLE_EQ(p.report.sigma_m, 1500);
  EXPECT_EQ(p.format, RawFormat::kAsterix);
  EXPECT_EQ(p.raw.size(), pos.raw.size());
  EXPECT_TRUE(p.raw == pos.raw);

  const ReportRecord& b = (*out)[1].record;
  EXPECT_EQ(b.report.kind, ingest::ReportKind::kBearing);
  EXPECT_FALSE(b.report.elevation_deg.has_value());
  EXPECT_TRUE(b.raw.empty());
  EXPECT_EQ(b.format, RawFormat::kSapient);
}

TEST(EventStore, JsonReportWithItsLineIsStoredOnceAsTheLine) {
  TempDir dir;
  std::string path = dir.File("events.db");
  auto store = OpenOrDie(path);
  ReportRecord r = RadarReport(1757203325.0004);  // sub-millisecond time
  r.raw = "{\"time\": 1757203325.0004, \"sensor\":\"RAD-01\",\"kind\":\"radar\",\"range_m\":84210.5,"
          "\"azimuth_deg\":131.27,\"elevation_deg\":0.41,\"hmac\":\"ab12\"}";
  ReportRecord binary = RadarReport(1757203326);
  binary.format = RawFormat::kAsterix;
  binary.raw = std::string("\x30\x00\x05", 3);
  std::vector<ReportRecord> in = {r, binary};
  ASSERT_TRUE(store->AppendReports(in).ok());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT report IS NULL FROM reports ORDER BY seq", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);  // the JSON line only once
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);  // binary: decoded JSON kept beside the bytes
  sqlite3_finalize(st);
  sqlite3_close(db);

  auto out = store->RecentReports(UnixTime(0), 10);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].record.raw, r.raw);
  EXPECT_EQ((*out)[0].record.report.time, r.report.time);
  EXPECT_DOUBLE_EQ((*out)[0].record.report.range_m, 84210.5);
  EXPECT_EQ((*out)[1].record.raw, binary.raw);
  EXPECT_EQ((*out)[1].record.format, RawFormat::kAsterix);
  EXPECT_DOUBLE_EQ((*out)[1].record.report.azimuth_deg, 131.27);
}

TEST(EventStore, RecentReportsGivesTheNewestWithinLimitOldestFirst) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  std::vector<ReportRecord> in;
  for (int i = 0; i < 100; ++i) in.push_back(RadarReport(1000.0 + i));
  ASSERT_TRUE(store->AppendReports(in).ok());
  auto out = store->RecentReports(UnixTime(1050), 10);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 10u);
  EXPECT_EQ(out->front().record.report.time, UnixTime(1090));
  EXPECT_EQ(out->back().record.report.time, UnixTime(1099));
  auto since = store->RecentReports(UnixTime(1095), 1000);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->size(), 5u);
}

TEST(EventStore, AlertEventLineIsExactlyToJsonLineAndParsesBack) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  alert::AlertEvent s = Start("A-000017", "UA53080000000000000", 1757203400.0);
  s.zone = ZoneId("Z \"odd\" \\ \xE2\x9C\x93 tab\t");
  alert::AlertEvent e = End("A-000017", s.zone.str(), 1757203911.0);
  e.reason = alert::EndReason::kOperator;
  std::vector<AlertEventRecord> events = {{s, Mode::kExercise, true}, {e, Mode::kExercise, false}};
  auto seqs = store->AppendAlertEvents(events);
  ASSERT_TRUE(seqs.ok()) << seqs.status().message();
  EXPECT_EQ(seqs->size(), 2);

  auto h = store->AlertHistory({.since = UnixTime(0)});
  ASSERT_TRUE(h.ok()) << h.status().message();
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].line, alert::ToJsonLine(s));
  EXPECT_EQ((*h)[1].line, alert::ToJsonLine(e));
  EXPECT_EQ((*h)[0].event, s);
  EXPECT_EQ((*h)[1].event, e);
  EXPECT_EQ((*h)[0].mode, Mode::kExercise);
  EXPECT_TRUE((*h)[0].manual);
  EXPECT_FALSE((*h)[1].manual);
}

TEST(EventStore, AlertHistoryFiltersByZoneModeSinceAndKeepsTheNewest) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  std::vector<AlertEventRecord> events;
  for (int i = 1; i <= 20; ++i) {
    std::string id = alert::AlertIdAllocator::Format('A', i).str();
    events.push_back({Start(id, i % 2 ? "Z-odd" : "Z-even", 100.0 * i), i > 15 ? Mode::kExercise : Mode::kLive, false});
  }
  ASSERT_TRUE(store->AppendAlertEvents(events).ok());

  auto odd = store->AlertHistory({.zone = ZoneId("Z-odd"), .since = UnixTime(0), .limit = 3});
  ASSERT_TRUE(odd.ok()) << odd.status().message();
  ASSERT_EQ(odd->size(), 3u);
  EXPECT_EQ((*odd)[0].event.alert.str(), "A-000015");  // newest three, newest last
  EXPECT_EQ((*odd)[2].event.alert.str(), "A-000019");

  auto live = store->AlertHistory({.mode = Mode::kLive, .since = UnixTime(1000), .limit = 100});
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 6u);  // times 1000..1500
  EXPECT_EQ(live->front().event.alert.str(), "A-000010");
  EXPECT_EQ(live->back().event.alert.str(), "A-000015");

  auto none = store->AlertHistory({.zone = ZoneId("nowhere"), .since = UnixTime(0)});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// Restore must mean exactly what alert::ReadAlertLogState means on the same events.
TEST(EventStore, RestoreMatchesReadAlertLogStateOnTheSameEvents) {
  TempDir dir;
  std::vector<alert::AlertEvent> events = {
      Start("A-000001", "Z1", 10), Start("P-000001", "Z2", 11), Start("A-000002", "Z3", 12),
      End("A-000001", "Z1", 20),   Start("A-000007", "Z4", 21), End("P-000001", "Z2", 22),
      Start("P-000004", "Z5", 23), End("A-000002", "Z3", 24),  Start("A-000002", "Z3", 25),  // restarted id
      End("A-000009", "Z6", 26),                                                             // end without start
      Start("A-000007", "Z4", 27),                                                           // started twice
  };
  {
    auto w = alert::JsonlAlertLogWriter::Open(dir.File("alerts.jsonl"), false);
    ASSERT_TRUE(w.ok());
    for (const auto& e : events) (*w)->Emit(e);
  }
  auto expected = alert::ReadAlertLogState(dir.File("alerts.jsonl"));
  ASSERT_TRUE(expected.ok());

  {
    auto store = OpenOrDie(dir.File("events.db"));
    std::vector<AlertEventRecord> recs;
    for (const auto& e : events) recs.push_back({e, Mode::kLive, false});
    ASSERT_TRUE(store->AppendAlertEvents(recs).ok());
  }
  auto store = OpenOrDie(dir.File("events.db"));  // after a reopen
  auto got = store->Restore();
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->alert_log.next_alert, expected->next_alert);
  EXPECT_EQ(got->alert_log.next_prealert, expected->next_prealert);
  EXPECT_EQ(got->alert_log.next_alert, 10u);
  EXPECT_EQ(got->alert_log.next_prealert, 5u);
  EXPECT_EQ(got->alert_log.open, expected->open);
  ASSERT_EQ(got->open_events.size(), 3u);
  EXPECT_EQ(got->open_events[0].event.alert.str(), "A-000002");
  EXPECT_EQ(got->open_events[0].seq, 9);
  EXPECT_EQ(got->open_events[1].event.time, UnixTime(27));  // the latest start, at the first one's place
  EXPECT_EQ(got->last_alert_event_seq, 11);
}

TEST(EventStore, RestoreByModeKeepsIdCountersGlobal) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  std::vector<AlertEventRecord> recs = {{Start("A-000001", "Z1", 10), Mode::kLive, false},
                                        {Start("A-000002", "Z1", 11), Mode::kExercise, true}};
  ASSERT_TRUE(store->AppendAlertEvents(recs).ok());
  auto live = store->Restore(Mode::kLive);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->alert_log.open.size(), 1u);
  EXPECT_EQ(live->alert_log.open[0].alert.str(), "A-000001");
  EXPECT_EQ(live->alert_log.next_alert, 3u);  // A-000002 exists in exercise: never reissued
  auto ex = store->Restore(Mode::kExercise);
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->open_events.size(), 1u);
  EXPECT_TRUE(ex->open_events[0].manual);
  auto all = store->Restore();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->open_events.size(), 2u);
}

TEST(EventStore, RestoreAfterReopenGivesCheckpointsMarksAndLastReport) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.File("events.db"));
    std::vector<ReportRecord> reps = {RadarReport(500), RadarReport(700), RadarReport(600)};
    ASSERT_TRUE(store->AppendReports(reps).ok());
    ASSERT_TRUE(store->PutCheckpoint({UnixTime(1), "ids", R"({"next_alert":3})"}).ok());
    ASSERT_TRUE(store->PutCheckpoint({UnixTime(2), "ids", R"({"next_alert":9})"}).ok());
    ASSERT_TRUE(store->PutCheckpoint({UnixTime(3), "engine", R"({"x":1})"}).ok());
    ASSERT_TRUE(store->MarkPublished({"sse", 4, UnixTime(5)}).ok());
    ASSERT_TRUE(store->MarkPublished({"sse", 7, UnixTime(6)}).ok());
    ASSERT_TRUE(store->MarkPublished({"mqtt", 2, UnixTime(6)}).ok());
    std::vector<AuditRecord> audit = {{UnixTime(9), "alice", "operator", "issue", R"({"zones":["Z1"]})", "issued"}};
    ASSERT_TRUE(store->AppendAudit(audit).ok());
  }
  auto store = OpenOrDie(dir.File("events.db"));
  auto st = store->Restore();
  ASSERT_TRUE(st.ok()) << st.status().message();
  ASSERT_TRUE(st->last_report_time.has_value());
  EXPECT_EQ(*st->last_report_time, UnixTime(700));
  EXPECT_EQ(*st->last_received_at, UnixTime(600.25));  // the last appended
  EXPECT_EQ(st->last_report_seq, 3);
  EXPECT_EQ(st->last_audit_seq, 1);
  ASSERT_EQ(st->checkpoints.size(), 2u);
  EXPECT_EQ(st->checkpoints[0].key, "engine");
  EXPECT_EQ(st->checkpoints[1].key, "ids");
  EXPECT_EQ(st->checkpoints[1].json, R"({"next_alert":9})");
  ASSERT_EQ(st->published.size(), 2u);
  EXPECT_EQ(st->published[0].channel, "mqtt");
  EXPECT_EQ(st->published[1].event_seq, 7);
  EXPECT_EQ(st->alert_log.next_alert, 1u);
  EXPECT_TRUE(st->alert_log.open.empty());
}

TEST(EventStore, EmptyStoreRestoresToTheBeginning) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  auto st = store->Restore();
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_FALSE(st->last_report_time.has_value());
  EXPECT_EQ(st->last_report_seq, 0);
  EXPECT_EQ(st->alert_log.next_alert, 1u);
  EXPECT_EQ(st->alert_log.next_prealert, 1u);
}

TEST(EventStore, AuditRoundTripSinceAndLimit) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  std::vector<AuditRecord> in;
  for (int i = 0; i < 10; ++i)
    in.push_back({UnixTime(100 + i), "op" + std::to_string(i), "supervisor", "cancel", "", "refused: no such alert"});
  ASSERT_TRUE(store->AppendAudit(in).ok());
  auto out = store->Audit(UnixTime(105), 3);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ((*out)[0].record.operator_name, "op7");
  EXPECT_EQ((*out)[2].record.operator_name, "op9");
  EXPECT_EQ((*out)[2].record.detail_json, "{}");  // empty detail stored as an empty object
  EXPECT_EQ((*out)[2].record.result, "refused: no such alert");
  EXPECT_EQ((*out)[2].record.role, "supervisor");
}

TEST(EventStore, TransactionIsAllOrNothingAndInvisibleUntilCommit) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  auto reader = store->OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  {
    auto tx = store->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    std::vector<ReportRecord> reps = {RadarReport(1), RadarReport(2)};
    std::vector<AlertEventRecord> evs = {{Start("A-000001", "Z", 2), Mode::kLive, false}};
    ASSERT_TRUE(tx->AppendReports(reps).ok());
    ASSERT_TRUE(tx->AppendAlertEvents(evs).ok());
    EXPECT_FALSE(store->Begin().ok());  // one transaction at a time
    auto seen = (*reader)->AlertHistory({.since = UnixTime(0)});
    ASSERT_TRUE(seen.ok()) << seen.status().message();
    EXPECT_TRUE(seen->empty());  // not committed yet
    ASSERT_TRUE(tx->Commit().ok());
    EXPECT_FALSE(tx->Commit().ok());  // twice
    seen = (*reader)->AlertHistory({.since = UnixTime(0)});
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen->size(), 1u);
  }
  {
    auto tx = store->Begin();
    ASSERT_TRUE(tx.ok());
    std::vector<ReportRecord> reps = {RadarReport(3)};
    ASSERT_TRUE(tx->AppendReports(reps).ok());
    // Dropped without Commit: rolled back.
  }
  auto reps = (*reader)->RecentReports(UnixTime(0), 100);
  ASSERT_TRUE(reps.ok());
  EXPECT_EQ(reps->size(), 2u);
  // The store is usable after the rollback and seqs continue.
  std::vector<ReportRecord> more = {RadarReport(4)};
  auto seqs = store->AppendReports(more);
  ASSERT_TRUE(seqs.ok()) << seqs.status().message();
  EXPECT_EQ(seqs->first, 3);
}

// The pipeline thread writes while an HTTP thread reads through a StoreReader: the
// reader sees only whole committed batches (WAL snapshots) and never blocks the writer.
TEST(EventStore, ReaderOnAnotherThreadSeesOnlyWholeCommittedBatches) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  auto reader = store->OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  constexpr int kBatches = 150, kPerBatch = 40;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  std::thread http([&] {
    std::size_t last = 0;
    while (!done.load()) {
      auto reps = (*reader)->RecentReports(UnixTime(0), 1 << 20);
      auto evs = (*reader)->AlertHistory({.since = UnixTime(0), .limit = 1 << 20});
      if (!reps.ok() || !evs.ok() || reps->size() % kPerBatch != 0 || reps->size() < last) ++bad;
      if (reps.ok()) last = reps->size();
      ++reads;
    }
  });
  for (int b = 0; b < kBatches; ++b) {
    std::vector<ReportRecord> reps;
    for (int i = 0; i < kPerBatch; ++i) reps.push_back(RadarReport(1000.0 + b * 100.0 + i));
    std::vector<AlertEventRecord> evs = {
        {Start(alert::AlertIdAllocator::Format('A', b + 1).str(), "Z", b * 100.0), Mode::kLive, false}};
    auto tx = store->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    ASSERT_TRUE(tx->AppendReports(reps).ok());
    ASSERT_TRUE(tx->AppendAlertEvents(evs).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  done = true;
  http.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  auto all = (*reader)->RecentReports(UnixTime(0), 1 << 20);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kBatches * kPerBatch));
}

TEST(EventStore, FailedTransactionRollsBackWholeAndKeepsItsFirstError) {
  TempDir dir;
  auto opened = EventStore::Open(StoreOptions{.path = dir.File("events.db"), .max_row_bytes = 4096});
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EventStore& store = **opened;
  {
    auto tx = store.Begin();
    ASSERT_TRUE(tx.ok());
    std::vector<AlertEventRecord> evs = {{Start("A-000001", "Z", 1000), Mode::kLive, false}};
    ASSERT_TRUE(tx->AppendAlertEvents(evs).ok());
    ReportRecord huge = RadarReport(1000);
    huge.format = RawFormat::kAsterix;
    huge.raw.assign(10000, '\x7f');  // over max_row_bytes
    std::vector<ReportRecord> reps = {RadarReport(999), huge};
    auto r = tx->AppendReports(reps);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("too big"));
    EXPECT_THAT(r.status().message(), HasSubstr("max_row_bytes"));
    EXPECT_THAT(r.status().message(), HasSubstr(dir.File("events.db")));
    Status again = tx->Commit();
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(again.message(), r.status().message());  // the first error, not a new one
  }
  auto st = store.Restore();
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(st->last_alert_event_seq, 0);  // the event before the failure is gone too
  EXPECT_EQ(st->last_report_seq, 0);
  std::vector<ReportRecord> ok = {RadarReport(1001)};
  EXPECT_TRUE(store.AppendReports(ok).ok());  // the store goes on
}

TEST(EventStore, PruneDeletesOldReportsOnlyInChunksAndSeqsNeverRestart) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("events.db"));
  std::vector<ReportRecord> reps;
  for (int i = 0; i < 50; ++i) reps.push_back(RadarReport(1000.0 + i));
  ASSERT_TRUE(store->AppendReports(reps).ok());
  std::vector<AlertEventRecord> evs = {{Start("A-000001", "Z", 1000), Mode::kLive, false}};
  ASSERT_TRUE(store->AppendAlertEvents(evs).ok());
  std::vector<AuditRecord> audit = {{UnixTime(1000), "a", "operator", "issue", "{}", "issued"}};
  ASSERT_TRUE(store->AppendAudit(audit).ok());
  ASSERT_TRUE(store->PutCheckpoint({UnixTime(1000), "ids", "1"}).ok());
  ASSERT_TRUE(store->PutCheckpoint({UnixTime(1001), "ids", "2"}).ok());
  ASSERT_TRUE(store->PutCheckpoint({UnixTime(1002), "only", "3"}).ok());

  auto n = store->Prune(UnixTime(1030), 12);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 12);
  n = store->Prune(UnixTime(1030), 12);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 12);
  n = store->Prune(UnixTime(1030), 12);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6);  // 30 older than 1030 in all
  auto left = store->RecentReports(UnixTime(0), 1000);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 20u);
  EXPECT_EQ(left->front().record.report.time, UnixTime(1030));

  // Everything old: the newest report stays so seqs continue.
  n = store->Prune(UnixTime(1e12), 1000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 19);
  std::vector<ReportRecord> more = {RadarReport(2000)};
  auto seqs = store->AppendReports(more);
  ASSERT_TRUE(seqs.ok());
  EXPECT_EQ(seqs->first, 51);

  auto st = store->Restore();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->open_events.size(), 1u);  // alert events untouched
  EXPECT_EQ(st->last_audit_seq, 1);       // audit untouched
  ASSERT_EQ(st->checkpoints.size(), 2u);  // the latest per key kept
  EXPECT_EQ(st->checkpoints[0].json, "2");
  EXPECT_EQ(st->checkpoints[1].json, "3");
  EXPECT_TRUE(store->CheckIntegrity().ok());
}

TEST(EventStore, NotADatabaseFileGivesAClearError) {
  TempDir dir;
  std::string path = dir.File("events.db");
  {
    std::ofstream f(path, std::ios::binary);
    f << "this is a text file, not a database\n" << std::string(5000, 'x');
  }
  auto s = EventStore::Open(StoreOptions{.path = path});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr(path));
  EXPECT_THAT(s.status().message(), HasSubstr("not a Tocsin event store"));
  EXPECT_THAT(s.status().message(), HasSubstr("move the file aside"));
  auto r = StoreReader::Open(StoreOptions{.path = path});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("not a Tocsin event store"));
}

TEST(EventStore, ForeignSqliteDatabaseGivesAClearError) {
  TempDir dir;
  std::string path = dir.File("other.db");
  RawSql(path, "CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)");
  auto s = EventStore::Open(StoreOptions{.path = path});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("not a Tocsin event store"));
}

TEST(EventStore, NewerSchemaGivesAClearError) {
  TempDir dir;
  std::string path = dir.File("events.db");
  { ASSERT_TRUE(OpenOrDie(path)); }
  RawSql(path, "PRAGMA user_version = 99");
  auto s = EventStore::Open(StoreOptions{.path = path});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("schema version 99"));
  EXPECT_THAT(s.status().message(), HasSubstr("newer tocsin"));
}

TEST(EventStore, DamagedPagesAreReportedNotCrashedOn) {
  TempDir dir;
  std::string path = dir.File("events.db");
  {
    auto store = OpenOrDie(path);
    std::vector<ReportRecord> reps;
    for (int i = 0; i < 2000; ++i) reps.push_back(RadarReport(1000.0 + i));
    ASSERT_TRUE(store->AppendReports(reps).ok());
  }  // a clean close checkpoints the WAL into the file
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3 + 100);
    std::string junk(4096 * 4, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto s = EventStore::Open(StoreOptions{.path = path});
  if (!s.ok()) {
    EXPECT_THAT(s.status().message(), HasSubstr(path));
    return;
  }
  // Opening may succeed (the damage is in data pages): the check and reads must say so.
  Status check = (*s)->CheckIntegrity();
  EXPECT_FALSE(check.ok());
  EXPECT_THAT(check.message(), HasSubstr("integrity check failed"));
  auto reps = (*s)->RecentReports(UnixTime(0), 100000);
  if (!reps.ok()) {
    EXPECT_THAT(reps.status().message(), HasSubstr(path));
  }
}

TEST(EventStore, SecondWriterOnTheSameFileIsRefused) {
  TempDir dir;
  std::string path = dir.File("events.db");
  auto first = OpenOrDie(path);
  auto second = EventStore::Open(StoreOptions{.path = path});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("already open for writing"));
  first.reset();
  EXPECT_TRUE(EventStore::Open(StoreOptions{.path = path}).ok());  // free again
}

TEST(EventStore, ReaderOnAMissingStoreSaysSo) {
  TempDir dir;
  auto r = StoreReader::Open(StoreOptions{.path = dir.File("missing.db")});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("missing.db"));
  auto w = EventStore::Open(StoreOptions{.path = dir.File("no-such-dir/events.db")});
  ASSERT_FALSE(w.ok());
  EXPECT_THAT(w.status().message(), HasSubstr("directory exists"));
}

TEST(EventStore, FileIsInWalModeWithTheSchemaVersion) {
  TempDir dir;
  std::string path = dir.File("events.db");
  auto store = OpenOrDie(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

}  // namespace
}  // namespace tocsin::store
