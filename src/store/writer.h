// Internal to tocsin_store: the writer connection's prepared inserts. Each call
// appends rows inside the caller's open transaction.
//
// Thread-safety: one thread at a time.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "store/records.h"
#include "store/sqlite_db.h"

namespace tocsin::store::internal {

class Writer {
 public:
  // REQUIRES: `db` outlives this object.
  static Result<std::unique_ptr<Writer>> Prepare(Db* db);

  Status Begin();     // BEGIN IMMEDIATE
  Status Commit();    // COMMIT
  void Rollback();    // ROLLBACK (errors ignored: nothing left to undo)

  Result<SeqRange> InsertReports(std::span<const ReportRecord> reports);
  Result<SeqRange> InsertAlertEvents(std::span<const AlertEventRecord> events);
  Result<SeqRange> InsertAudit(std::span<const AuditRecord> entries);
  Status InsertCheckpoint(const Checkpoint& c);
  Status UpsertPublished(const PublishedMark& m);
  // One retention chunk (see EventStore::Prune).
  Result<std::int64_t> PruneChunk(UnixTime older_than, std::int64_t max_rows);

 private:
  explicit Writer(Db* db) : db_(db) {}
  Db* db_;
  std::unique_ptr<Stmt> begin_, commit_, rollback_;
  std::unique_ptr<Stmt> report_, event_, audit_, checkpoint_, published_;
  std::unique_ptr<Stmt> prune_reports_, prune_checkpoints_;
  std::string scratch_;  // the report JSON line being written (reused)
};

}  // namespace tocsin::store::internal
