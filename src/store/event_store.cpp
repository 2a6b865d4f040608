#include "store/event_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/queries.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/writer.h"

namespace tocsin::store {
namespace {

internal::ConnectionSettings Settings(const StoreOptions& o) {
  internal::ConnectionSettings s;
  s.sync_full = o.sync_full;
  s.busy_timeout_ms = o.busy_timeout_ms;
  s.cache_kib = o.cache_kib;
  s.wal_autocheckpoint_pages = o.wal_autocheckpoint_pages;
  s.max_row_bytes = o.max_row_bytes;
  return s;
}

// Takes "<path>.lock" exclusively (released by the kernel when the process dies).
Result<int> LockStore(const std::string& path) {
  std::string lock_path = path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Error(lock_path + ": cannot create the store's lock file: " + std::strerror(errno) +
                         " (check that the directory exists and is writable)");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return Status::Error(path + ": the event store is already open for writing by another process " +
                           "(run one tocsin serve per store file, or give this one another store path)");
    return Status::Error(lock_path + ": cannot lock the store: " + std::strerror(err));
  }
  return fd;
}

}  // namespace

// ---- EventStore ----

EventStore::EventStore(StoreOptions o, int lock_fd, std::unique_ptr<internal::Db> db)
    : options_(std::move(o)), lock_fd_(lock_fd), db_(std::move(db)) {}

EventStore::~EventStore() {
  queries_.reset();
  writer_.reset();
  db_.reset();  // closes the connection (a clean close checkpoints the WAL)
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const StoreOptions& options) {
  if (options.path.empty()) return Status::Error("no event store path given (set the store path in the config)");
  auto lock = LockStore(options.path);
  if (!lock.ok()) return lock.status();
  auto db = internal::OpenWriter(options.path, Settings(options));
  if (!db.ok()) {
    ::close(*lock);
    return db.status();
  }
  std::unique_ptr<EventStore> store(new EventStore(options, *lock, std::move(*db)));
  if (Status s = store->Init(); !s.ok()) return s;
  return store;
}

Status EventStore::Init() {
  auto w = internal::Writer::Prepare(db_.get());
  if (!w.ok()) return w.status();
  writer_ = std::move(*w);
  auto q = internal::Queries::Prepare(db_.get());
  if (!q.ok()) return q.status();
  queries_ = std::move(*q);
  return Status::Ok();
}

Result<EventStore::Transaction> EventStore::Begin() {
  if (in_transaction_)
    return Status::Error(path() + ": a transaction is already open on this store (commit it first)");
  if (Status s = writer_->Begin(); !s.ok()) return s;
  in_transaction_ = true;
  return Transaction(this);
}

EventStore::Transaction::Transaction(Transaction&& o) noexcept
    : store_(o.store_), done_(o.done_), failed_(std::move(o.failed_)) {
  o.done_ = true;
}

EventStore::Transaction::~Transaction() {
  if (!done_) {
    store_->writer_->Rollback();
    store_->in_transaction_ = false;
  }
}

Status EventStore::Transaction::Check() {
  if (!failed_.ok()) return failed_;
  if (done_) return Status::Error(store_->path() + ": the transaction is already committed (begin a new one)");
  return Status::Ok();
}

void EventStore::Transaction::Abort(const Status& error) {
  failed_ = error;
  store_->writer_->Rollback();
  done_ = true;
  store_->in_transaction_ = false;
}

Result<SeqRange> EventStore::Transaction::AppendReports(std::span<const ReportRecord> reports) {
  if (Status s = Check(); !s.ok()) return s;
  auto r = store_->writer_->InsertReports(reports);
  if (!r.ok()) Abort(r.status());
  return r;
}

Result<SeqRange> EventStore::Transaction::AppendAlertEvents(std::span<const AlertEventRecord> events) {
  if (Status s = Check(); !s.ok()) return s;
  auto r = store_->writer_->InsertAlertEvents(events);
  if (!r.ok()) Abort(r.status());
  return r;
}

Result<SeqRange> EventStore::Transaction::AppendAudit(std::span<const AuditRecord> entries) {
  if (Status s = Check(); !s.ok()) return s;
  auto r = store_->writer_->InsertAudit(entries);
  if (!r.ok()) Abort(r.status());
  return r;
}

Status EventStore::Transaction::PutCheckpoint(const Checkpoint& c) {
  if (Status s = Check(); !s.ok()) return s;
  Status r = store_->writer_->InsertCheckpoint(c);
  if (!r.ok()) Abort(r);
  return r;
}

Status EventStore::Transaction::MarkPublished(const PublishedMark& m) {
  if (Status s = Check(); !s.ok()) return s;
  Status r = store_->writer_->UpsertPublished(m);
  if (!r.ok()) Abort(r);
  return r;
}

Status EventStore::Transaction::Commit() {
  if (Status s = Check(); !s.ok()) return s;
  Status r = store_->writer_->Commit();
  if (!r.ok()) {
    Abort(r);
    return r;
  }
  done_ = true;
  store_->in_transaction_ = false;
  return r;
}

Result<SeqRange> EventStore::AppendReports(std::span<const ReportRecord> reports) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  auto r = tx->AppendReports(reports);
  if (!r.ok()) return r;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return r;
}

Result<SeqRange> EventStore::AppendAlertEvents(std::span<const AlertEventRecord> events) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  auto r = tx->AppendAlertEvents(events);
  if (!r.ok()) return r;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return r;
}

Result<SeqRange> EventStore::AppendAudit(std::span<const AuditRecord> entries) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  auto r = tx->AppendAudit(entries);
  if (!r.ok()) return r;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return r;
}

Status EventStore::PutCheckpoint(const Checkpoint& c) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  if (Status s = tx->PutCheckpoint(c); !s.ok()) return s;
  return tx->Commit();
}

Status EventStore::MarkPublished(const PublishedMark& m) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  if (Status s = tx->MarkPublished(m); !s.ok()) return s;
  return tx->Commit();
}

Result<std::int64_t> EventStore::Prune(UnixTime older_than, std::int64_t max_rows) {
  auto tx = Begin();
  if (!tx.ok()) return tx.status();
  auto n = writer_->PruneChunk(older_than, max_rows);
  if (!n.ok()) return n.status();  // the Transaction's destructor rolls back
  if (Status s = tx->Commit(); !s.ok()) return s;
  return n;
}

Result<std::vector<StoredReport>> EventStore::RecentReports(UnixTime since, std::int64_t limit) {
  return queries_->RecentReports(since, limit);
}
Result<std::vector<StoredAlertEvent>> EventStore::AlertHistory(const AlertHistoryQuery& q) {
  return queries_->AlertHistory(q);
}
Result<std::vector<StoredAudit>> EventStore::Audit(UnixTime since, std::int64_t limit) {
  return queries_->Audit(since, limit);
}
Result<RestoredState> EventStore::Restore(std::optional<Mode> mode) {
  if (in_transaction_) return Status::Error(path() + ": Restore called inside an open transaction (commit it first)");
  return queries_->Restore(mode);
}

Result<std::unique_ptr<StoreReader>> EventStore::OpenReader() const { return StoreReader::Open(options_); }

Status EventStore::CheckIntegrity() {
  auto fail = [&](const std::string& problems) {
    return Status::Error(path() + ": integrity check failed: " + problems +
                         " (move the file aside and restart; keep it for inspection)");
  };
  auto st = db_->Prepare("PRAGMA integrity_check");
  if (!st.ok()) return fail(st.status().message());
  std::string problems;
  while (true) {
    auto row = (*st)->Step();
    if (!row.ok()) return fail(row.status().message());
    if (!*row) break;
    std::string line = (*st)->ColumnBytes(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (problems.empty()) return Status::Ok();
  return fail(problems);
}

// ---- StoreReader ----

StoreReader::StoreReader(std::unique_ptr<internal::Db> db) : db_(std::move(db)) {}
StoreReader::~StoreReader() {
  queries_.reset();
  db_.reset();
}

Result<std::unique_ptr<StoreReader>> StoreReader::Open(const StoreOptions& options) {
  auto db = internal::OpenReader(options.path, Settings(options));
  if (!db.ok()) return db.status();
  std::unique_ptr<StoreReader> r(new StoreReader(std::move(*db)));
  auto q = internal::Queries::Prepare(r->db_.get());
  if (!q.ok()) return q.status();
  r->queries_ = std::move(*q);
  return r;
}

Result<std::vector<StoredReport>> StoreReader::RecentReports(UnixTime since, std::int64_t limit) {
  std::lock_guard lock(mu_);
  return queries_->RecentReports(since, limit);
}
Result<std::vector<StoredAlertEvent>> StoreReader::AlertHistory(const AlertHistoryQuery& q) {
  std::lock_guard lock(mu_);
  return queries_->AlertHistory(q);
}
Result<std::vector<StoredAudit>> StoreReader::Audit(UnixTime since, std::int64_t limit) {
  std::lock_guard lock(mu_);
  return queries_->Audit(since, limit);
}
Result<RestoredState> StoreReader::Restore(std::optional<Mode> mode) {
  std::lock_guard lock(mu_);
  return queries_->Restore(mode);
}

}  // namespace tocsin::store
