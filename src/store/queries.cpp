#include "store/queries.h"

#include <algorithm>
#include <map>
#include <string>

#include "alert/alert_ids.h"
#include "ingest/report_json.h"

namespace tocsin::store::internal {
namespace {

constexpr const char* kRecentReports =
    "SELECT seq, received_at, time, report, format, raw FROM "
    "(SELECT seq, received_at, time, report, format, raw FROM reports WHERE time >= ?1 "
    " ORDER BY time DESC, seq DESC LIMIT ?2) ORDER BY time, seq";
constexpr const char* kHistory =
    "SELECT seq, line, mode, manual FROM "
    "(SELECT seq, line, mode, manual FROM alert_events INDEXED BY alert_events_by_zone "
    " WHERE zone = ?2 AND time >= ?1 AND (?3 IS NULL OR mode = ?3) ORDER BY seq DESC LIMIT ?4) "
    "ORDER BY seq";
constexpr const char* kHistoryAllZones =
    "SELECT seq, line, mode, manual FROM "
    "(SELECT seq, line, mode, manual FROM alert_events "
    " WHERE time >= ?1 AND (?3 IS NULL OR mode = ?3) ORDER BY seq DESC LIMIT ?4) "
    "ORDER BY seq";
constexpr const char* kAudit =
    "SELECT seq, time, operator, role, action, detail, result FROM "
    "(SELECT * FROM audit WHERE time >= ?1 ORDER BY seq DESC LIMIT ?2) ORDER BY seq";
constexpr const char* kAllEvents = "SELECT seq, line, mode, manual FROM alert_events ORDER BY seq";

Status Damaged(const Db& db, const std::string& where, const std::string& why) {
  return Status::Error(db.path() + ": " + where + ": " + why +
                       " (the event store is damaged: inspect it with sqlite3, or move it aside and restart)");
}

}  // namespace

Result<StoredAlertEvent> ReadAlertEventRow(const Db& db, Stmt& st) {
  StoredAlertEvent out;
  out.seq = st.ColumnInt(0);
  out.line = st.ColumnBytes(1);
  std::string where = "alert_events seq " + std::to_string(out.seq);
  auto parsed = alert::ParseAlertLogLine(out.line);
  if (!parsed.ok()) return Damaged(db, where, parsed.status().message());
  if (parsed->has_value()) {
    out.event = std::move(**parsed);
  } else {
    // A kind this version does not know: keep the line, mark the kind unknown by
    // leaving a default event with only the id fields unset.
    out.event = alert::AlertEvent{};
  }
  auto mode = ParseMode(st.ColumnBytes(2));
  if (!mode) return Damaged(db, where, "unknown mode \"" + st.ColumnBytes(2) + "\"");
  out.mode = *mode;
  out.manual = st.ColumnInt(3) != 0;
  return out;
}

Result<std::unique_ptr<Queries>> Queries::Prepare(Db* db) {
  std::unique_ptr<Queries> q(new Queries(db));
  struct {
    const char* sql;
    std::unique_ptr<Stmt>* slot;
  } stmts[] = {{kRecentReports, &q->recent_reports_},
               {kHistory, &q->history_},
               {kHistoryAllZones, &q->history_all_},
               {kAudit, &q->audit_},
               {kAllEvents, &q->all_events_}};
  for (auto& s : stmts) {
    auto st = db->Prepare(s.sql);
    if (!st.ok()) return st.status();
    *s.slot = std::move(*st);
  }
  return q;
}

Status Queries::BeginRead() { return db_->Exec("BEGIN"); }
void Queries::EndRead() { db_->Exec("COMMIT"); }

Result<std::vector<StoredReport>> Queries::RecentReports(UnixTime since, std::int64_t limit) {
  std::vector<StoredReport> out;
  Stmt& st = *recent_reports_;
  st.BindDouble(1, since.seconds());
  st.BindInt(2, std::max<std::int64_t>(limit, 0));
  while (true) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredReport r;
    r.seq = st.ColumnInt(0);
    r.record.received_at = UnixTime(st.ColumnDouble(1));
    std::string where = "reports seq " + std::to_string(r.seq);
    // A JSON report received as a line is stored once, as that raw line.
    const int text_column = st.ColumnIsNull(3) ? 5 : 3;
    auto report = ingest::ParseReportLine(st.ColumnBytes(text_column), nullptr, where);
    if (!report.ok()) {
      st.Reset();
      return Status::Error(db_->path() + ": " + report.status().message() +
                           " (a stored report cannot be read back: inspect it with sqlite3, or move the store aside)");
    }
    r.record.report = std::move(*report);
    r.record.report.time = UnixTime(st.ColumnDouble(2));
    auto format = ParseRawFormat(st.ColumnBytes(4));
    r.record.format = format.value_or(RawFormat::kOther);
    r.record.raw = st.ColumnBytes(5);
    out.push_back(std::move(r));
  }
  st.Reset();
  return out;
}

Result<std::vector<StoredAlertEvent>> Queries::AlertHistory(const AlertHistoryQuery& q) {
  std::vector<StoredAlertEvent> out;
  Stmt& st = q.zone ? *history_ : *history_all_;
  st.BindDouble(1, q.since.seconds());
  std::string zone = q.zone ? q.zone->str() : std::string();
  if (q.zone) st.BindText(2, zone);
  std::string_view mode = q.mode ? ToString(*q.mode) : std::string_view();
  if (q.mode) st.BindText(3, mode);
  else st.BindNull(3);
  st.BindInt(4, std::max<std::int64_t>(q.limit, 0));
  while (true) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto e = ReadAlertEventRow(*db_, st);
    if (!e.ok()) {
      st.Reset();
      return e.status();
    }
    out.push_back(std::move(*e));
  }
  st.Reset();
  return out;
}

Result<std::vector<StoredAudit>> Queries::Audit(UnixTime since, std::int64_t limit) {
  std::vector<StoredAudit> out;
  Stmt& st = *audit_;
  st.BindDouble(1, since.seconds());
  st.BindInt(2, std::max<std::int64_t>(limit, 0));
  while (true) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredAudit a;
    a.seq = st.ColumnInt(0);
    a.record.time = UnixTime(st.ColumnDouble(1));
    a.record.operator_name = st.ColumnBytes(2);
    a.record.role = st.ColumnBytes(3);
    a.record.action = st.ColumnBytes(4);
    a.record.detail_json = st.ColumnBytes(5);
    a.record.result = st.ColumnBytes(6);
    out.push_back(std::move(a));
  }
  st.Reset();
  return out;
}

Result<RestoredState> Queries::Restore(std::optional<Mode> mode) {
  if (Status s = BeginRead(); !s.ok()) return s;
  struct EndReadGuard {
    Queries* q;
    ~EndReadGuard() { q->EndRead(); }
  } guard{this};

  RestoredState state;
  // Alert events: the same fold as alert::ReadAlertLogState over a JSON Lines log.
  std::map<std::string, StoredAlertEvent> open;  // alert id -> its start
  std::vector<std::string> order;
  Stmt& st = *all_events_;
  while (true) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto parsed = ReadAlertEventRow(*db_, st);
    if (!parsed.ok()) {
      st.Reset();
      return parsed.status();
    }
    StoredAlertEvent& e = *parsed;
    state.last_alert_event_seq = e.seq;
    if (e.event.alert.empty()) continue;  // a kind this version does not know
    const bool pre = alert::IsPreAlert(e.event.kind);
    if (auto n = alert::AlertIdAllocator::Number(pre ? 'P' : 'A', e.event.alert.str())) {
      auto& next = pre ? state.alert_log.next_prealert : state.alert_log.next_alert;
      next = std::max(next, *n + 1);
    }
    if (mode && e.mode != *mode) continue;
    const std::string id = e.event.alert.str();
    if (alert::IsStart(e.event.kind)) {
      if (!open.count(id)) order.push_back(id);
      open[id] = std::move(e);
    } else {
      open.erase(id);
    }
  }
  st.Reset();
  for (const auto& id : order)
    if (auto it = open.find(id); it != open.end()) {
      state.alert_log.open.push_back(it->second.event);
      state.open_events.push_back(std::move(it->second));
      open.erase(it);  // an id restarted after its end is listed once
    }

  {
    auto s = db_->Prepare("SELECT max(time) FROM reports");
    if (!s.ok()) return s.status();
    auto row = (*s)->Step();
    if (!row.ok()) return row.status();
    if (*row && !(*s)->ColumnIsNull(0)) state.last_report_time = UnixTime((*s)->ColumnDouble(0));
  }
  {
    auto s = db_->Prepare("SELECT seq, received_at FROM reports ORDER BY seq DESC LIMIT 1");
    if (!s.ok()) return s.status();
    auto row = (*s)->Step();
    if (!row.ok()) return row.status();
    if (*row) {
      state.last_report_seq = (*s)->ColumnInt(0);
      state.last_received_at = UnixTime((*s)->ColumnDouble(1));
    }
  }
  {
    auto seq = db_->QueryInt("SELECT coalesce(max(seq), 0) FROM audit");
    if (!seq.ok()) return seq.status();
    state.last_audit_seq = *seq;
  }
  {
    auto s = db_->Prepare(
        "SELECT c.time, c.key, c.value FROM checkpoints c "
        "JOIN (SELECT max(seq) AS s FROM checkpoints GROUP BY key) m ON c.seq = m.s ORDER BY c.key");
    if (!s.ok()) return s.status();
    while (true) {
      auto row = (*s)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      state.checkpoints.push_back(
          Checkpoint{UnixTime((*s)->ColumnDouble(0)), (*s)->ColumnBytes(1), (*s)->ColumnBytes(2)});
    }
  }
  {
    auto s = db_->Prepare("SELECT channel, event_seq, time FROM published ORDER BY channel");
    if (!s.ok()) return s.status();
    while (true) {
      auto row = (*s)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      state.published.push_back(
          PublishedMark{(*s)->ColumnBytes(0), (*s)->ColumnInt(1), UnixTime((*s)->ColumnDouble(2))});
    }
  }
  return state;
}

}  // namespace tocsin::store::internal
