#include "store/queries.h"

#include <algorithm>
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
// Every id with its kind (for the id counters; no JSON parsing).
constexpr const char* kAllIds = "SELECT alert, kind FROM alert_events";
// The alerts still open: those whose last event (in the mode asked for) is a start,
// listed at the position of their first start, as alert::ReadAlertLogState lists them.
constexpr const char* kOpenAlerts =
    "SELECT e.seq, e.line, e.mode, e.manual FROM alert_events e "
    "JOIN (SELECT alert, max(seq) AS last, min(CASE WHEN kind IN ('start', 'prestart') THEN seq END) AS first "
    "      FROM alert_events WHERE ?1 IS NULL OR mode = ?1 GROUP BY alert) g ON e.seq = g.last "
    "WHERE e.kind IN ('start', 'prestart') ORDER BY g.first";

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
               {kAllIds, &q->all_ids_},
               {kOpenAlerts, &q->open_alerts_}};
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
  // Alert events: the same result as alert::ReadAlertLogState's fold over the log
  // (tested against it), computed without parsing every line: counters from the ids,
  // the open alerts by SQL, their lines parsed with alert::ParseAlertLogLine.
  {
    Stmt& st = *all_ids_;
    while (true) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto kind = alert::ParseAlertEventKind(st.ColumnBytes(1));
      if (!kind) continue;  // a kind this version does not know
      const bool pre = alert::IsPreAlert(*kind);
      if (auto n = alert::AlertIdAllocator::Number(pre ? 'P' : 'A', st.ColumnBytes(0))) {
        auto& next = pre ? state.alert_log.next_prealert : state.alert_log.next_alert;
        next = std::max(next, *n + 1);
      }
    }
    st.Reset();
  }
  {
    auto seq = db_->QueryInt("SELECT coalesce(max(seq), 0) FROM alert_events");
    if (!seq.ok()) return seq.status();
    state.last_alert_event_seq = *seq;
  }
  {
    Stmt& st = *open_alerts_;
    std::string_view m = mode ? ToString(*mode) : std::string_view();
    if (mode) st.BindText(1, m);
    else st.BindNull(1);
    while (true) {
      auto row = st.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto e = ReadAlertEventRow(*db_, st);
      if (!e.ok()) {
        st.Reset();
        return e.status();
      }
      state.alert_log.open.push_back(e->event);
      state.open_events.push_back(std::move(*e));
    }
    st.Reset();
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
