// Internal to tocsin_store: the read queries, shared by the writer and reader
// connections. Statements are prepared once and reused.
//
// Thread-safety: one thread at a time (its owner serialises calls).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "store/event_store.h"
#include "store/sqlite_db.h"

namespace tocsin::store::internal {

class Queries {
 public:
  // REQUIRES: `db` outlives this object.
  static Result<std::unique_ptr<Queries>> Prepare(Db* db);

  Result<std::vector<StoredReport>> RecentReports(UnixTime since, std::int64_t limit);
  Result<std::vector<StoredAlertEvent>> AlertHistory(const AlertHistoryQuery& q);
  Result<std::vector<StoredAudit>> Audit(UnixTime since, std::int64_t limit);
  Result<RestoredState> Restore(std::optional<Mode> mode);

 private:
  explicit Queries(Db* db) : db_(db) {}
  // One read transaction so that every part of Restore sees the same snapshot.
  Status BeginRead();
  void EndRead();

  Db* db_;
  std::unique_ptr<Stmt> recent_reports_;
  std::unique_ptr<Stmt> history_;
  std::unique_ptr<Stmt> history_all_;
  std::unique_ptr<Stmt> audit_;
  std::unique_ptr<Stmt> all_ids_;
  std::unique_ptr<Stmt> open_alerts_;
};

// Reads one alert_events row (columns seq, line, mode, manual) from `st`.
Result<StoredAlertEvent> ReadAlertEventRow(const Db& db, Stmt& st);

}  // namespace tocsin::store::internal
