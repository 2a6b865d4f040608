#include "store/writer.h"

#include <sqlite3.h>

#include "ingest/report_json.h"

namespace tocsin::store::internal {
namespace {

constexpr const char* kInsertReport =
    "INSERT INTO reports(received_at, sensor, kind, time, report, format, raw) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kInsertEvent =
    "INSERT INTO alert_events(time, alert, zone, kind, line, mode, manual) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kInsertAudit =
    "INSERT INTO audit(time, operator, role, action, detail, result) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kInsertCheckpoint = "INSERT INTO checkpoints(time, key, value) VALUES(?1, ?2, ?3)";
constexpr const char* kUpsertPublished =
    "INSERT INTO published(channel, event_seq, time) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(channel) DO UPDATE SET event_seq = excluded.event_seq, time = excluded.time";
// Oldest first by time; the newest report (max seq) is always kept so that seqs
// never restart from 1.
constexpr const char* kPruneReports =
    "DELETE FROM reports WHERE seq IN (SELECT seq FROM reports WHERE time < ?1 "
    "AND seq < (SELECT max(seq) FROM reports) ORDER BY time LIMIT ?2)";
constexpr const char* kPruneCheckpoints =
    "DELETE FROM checkpoints WHERE time < ?1 AND seq NOT IN (SELECT max(seq) FROM checkpoints GROUP BY key)";

}  // namespace

Result<std::unique_ptr<Writer>> Writer::Prepare(Db* db) {
  std::unique_ptr<Writer> w(new Writer(db));
  struct {
    const char* sql;
    std::unique_ptr<Stmt>* slot;
  } stmts[] = {{"BEGIN IMMEDIATE", &w->begin_},
               {"COMMIT", &w->commit_},
               {"ROLLBACK", &w->rollback_},
               {kInsertReport, &w->report_},
               {kInsertEvent, &w->event_},
               {kInsertAudit, &w->audit_},
               {kInsertCheckpoint, &w->checkpoint_},
               {kUpsertPublished, &w->published_},
               {kPruneReports, &w->prune_reports_},
               {kPruneCheckpoints, &w->prune_checkpoints_}};
  for (auto& s : stmts) {
    auto st = db->Prepare(s.sql);
    if (!st.ok()) return st.status();
    *s.slot = std::move(*st);
  }
  return w;
}

Status Writer::Begin() { return begin_->Run(); }
Status Writer::Commit() { return commit_->Run(); }
void Writer::Rollback() {
  if (!sqlite3_get_autocommit(db_->handle())) rollback_->Run();
}

Result<SeqRange> Writer::InsertReports(std::span<const ReportRecord> reports) {
  SeqRange range;
  Stmt& st = *report_;
  for (const ReportRecord& r : reports) {
    st.BindDouble(1, r.received_at.seconds());
    st.BindText(2, r.report.sensor.str());
    st.BindText(3, ingest::ToString(r.report.kind));
    st.BindDouble(4, r.report.time.seconds());
    if (r.format == RawFormat::kJson && !r.raw.empty()) {
      st.BindNull(5);  // the raw line is the report: stored once
    } else {
      scratch_.clear();
      ingest::AppendReportJson(r.report, &scratch_);
      st.BindText(5, scratch_);
    }
    st.BindText(6, ToString(r.format));
    if (r.raw.empty()) st.BindNull(7);
    else st.BindBlob(7, r.raw);
    if (Status s = st.Run(); !s.ok()) return s;
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    if (range.empty()) range.first = seq;
    range.last = seq;
  }
  return range;
}

Result<SeqRange> Writer::InsertAlertEvents(std::span<const AlertEventRecord> events) {
  SeqRange range;
  Stmt& st = *event_;
  for (const AlertEventRecord& e : events) {
    scratch_ = alert::ToJsonLine(e.event);
    st.BindDouble(1, e.event.time.seconds());
    st.BindText(2, e.event.alert.str());
    st.BindText(3, e.event.zone.str());
    st.BindText(4, alert::ToString(e.event.kind));
    st.BindText(5, scratch_);
    st.BindText(6, ToString(e.mode));
    st.BindInt(7, e.manual ? 1 : 0);
    if (Status s = st.Run(); !s.ok()) return s;
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    if (range.empty()) range.first = seq;
    range.last = seq;
  }
  return range;
}

Result<SeqRange> Writer::InsertAudit(std::span<const AuditRecord> entries) {
  SeqRange range;
  Stmt& st = *audit_;
  for (const AuditRecord& a : entries) {
    st.BindDouble(1, a.time.seconds());
    st.BindText(2, a.operator_name);
    st.BindText(3, a.role);
    st.BindText(4, a.action);
    st.BindText(5, a.detail_json.empty() ? std::string_view("{}") : std::string_view(a.detail_json));
    st.BindText(6, a.result);
    if (Status s = st.Run(); !s.ok()) return s;
    std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
    if (range.empty()) range.first = seq;
    range.last = seq;
  }
  return range;
}

Status Writer::InsertCheckpoint(const Checkpoint& c) {
  Stmt& st = *checkpoint_;
  st.BindDouble(1, c.time.seconds());
  st.BindText(2, c.key);
  st.BindText(3, c.json);
  return st.Run();
}

Status Writer::UpsertPublished(const PublishedMark& m) {
  Stmt& st = *published_;
  st.BindText(1, m.channel);
  st.BindInt(2, m.event_seq);
  st.BindDouble(3, m.time.seconds());
  return st.Run();
}

Result<std::int64_t> Writer::PruneChunk(UnixTime older_than, std::int64_t max_rows) {
  prune_reports_->BindDouble(1, older_than.seconds());
  prune_reports_->BindInt(2, max_rows);
  if (Status s = prune_reports_->Run(); !s.ok()) return s;
  std::int64_t deleted = sqlite3_changes64(db_->handle());
  prune_checkpoints_->BindDouble(1, older_than.seconds());
  if (Status s = prune_checkpoints_->Run(); !s.ok()) return s;
  return deleted;
}

}  // namespace tocsin::store::internal
