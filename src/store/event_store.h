// The embedded event log of `tocsin serve` (docs/store.md): one SQLite file in WAL
// mode holding every accepted report, every alert decision, every operator action,
// the pipeline's checkpoints and how far each channel has published.
//
// Durability: a write call (or Transaction::Commit) returns only after SQLite has
// committed; from then on the rows survive a kill -9 of the process at any moment
// (the commit is in the -wal file, in the kernel's page cache). With the default
// synchronous=NORMAL the last commits before a power loss or OS crash may be lost
// (never half-written: the file stays consistent); StoreOptions::sync_full makes
// every commit fsync and survive those too, at the cost of one fsync per commit.
// The pipeline must therefore publish a decision only after the commit holding it
// returned ok.
//
// Thread-safety: an EventStore is one writer connection, used by one thread (the
// pipeline thread) at a time; it is not internally synchronised. HTTP handlers read
// through a StoreReader (a separate query-only connection on the same file; WAL lets
// it read while the writer writes, seeing only committed rows). A StoreReader is
// internally synchronised (one mutex: its queries run one at a time); open one per
// thread for parallel reads. One process at a time may hold an EventStore on a file
// (a lock file "<path>.lock" enforces it); readers are not limited.
//
// Typical use by the pipeline thread:
//   auto store = EventStore::Open({.path = "events.db"});          // at start-up
//   auto restored = (*store)->Restore(Mode::kLive);               // ids, open alerts
//   auto recent = (*store)->RecentReports(now - Seconds(300), 100000);  // re-feed
//   ...per batch:
//   auto tx = (*store)->Begin();
//   tx->AppendReports(reports); tx->AppendAlertEvents(decisions);
//   if (tx->Commit().ok()) publish(decisions);  // never publish before the commit
//   ...every few seconds: (*store)->Prune(now - kDefaultReportRetention);  // <= 5,000 rows, ~10 ms
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alert/alert_log.h"
#include "core/status.h"
#include "core/units.h"
#include "store/records.h"

namespace tocsin::store {

namespace internal {
class Db;
class Queries;
class Writer;
}  // namespace internal

// Reports older than this are deleted by the server's periodic Prune (docs/store.md).
inline constexpr Seconds kDefaultReportRetention{48.0 * 3600.0};

struct StoreOptions {
  std::string path = {};  // the database file; created with its schema when missing
  // synchronous=FULL (fsync per commit: survives power loss too) instead of NORMAL
  // (survives a process kill, not a power loss).
  bool sync_full = false;
  int busy_timeout_ms = 5000;
  std::int64_t cache_kib = 16 * 1024;  // page cache per connection
  // The -wal file is copied back into the database every this many pages (4 KiB each).
  int wal_autocheckpoint_pages = 4096;
  // A row (or one value) longer than this is refused with an error instead of
  // stored (defence against an oversized input reaching the store).
  int max_row_bytes = 64 << 20;
};

// What a restarted server needs from the log.
struct RestoredState {
  // Same meaning as alert::ReadAlertLogState on a JSON Lines log: next_alert and
  // next_prealert are past every id in the store (all modes, so no id is ever
  // reissued); `open` holds the start events without an end, in log order,
  // restricted to the mode asked for.
  alert::AlertLogState alert_log;
  // The same open alerts with their seq, stored line, mode and manual flag.
  std::vector<StoredAlertEvent> open_events;
  std::optional<UnixTime> last_report_time;   // latest report time stored
  std::optional<UnixTime> last_received_at;   // when the last stored report was accepted
  std::int64_t last_report_seq = 0;           // 0 when none
  std::int64_t last_alert_event_seq = 0;
  std::int64_t last_audit_seq = 0;
  std::vector<Checkpoint> checkpoints;        // the latest per key, by key
  std::vector<PublishedMark> published;       // one per channel, by channel
};

struct AlertHistoryQuery {
  std::optional<ZoneId> zone = {};  // only this zone's events
  std::optional<Mode> mode = {};    // only this mode's events
  UnixTime since = {};              // events with time >= since
  std::int64_t limit = 1000;   // at most this many: the newest ones
};

// Read-only queries over a store (both EventStore and StoreReader offer them).
// Lists come oldest first (newest last); when more rows match than `limit`, the
// newest `limit` are returned.
class StoreQueries {
 public:
  virtual ~StoreQueries() = default;

  // Reports with time >= since, in (time, seq) order; `record.report.time` is the
  // exact stored time, the other fields are read back from the stored JSON line.
  virtual Result<std::vector<StoredReport>> RecentReports(UnixTime since, std::int64_t limit) = 0;
  // Alert events in seq order.
  virtual Result<std::vector<StoredAlertEvent>> AlertHistory(const AlertHistoryQuery& q) = 0;
  // Operator audit entries with time >= since, in seq order.
  virtual Result<std::vector<StoredAudit>> Audit(UnixTime since, std::int64_t limit) = 0;
  // The state a restarted pipeline resumes from; `mode` restricts the open alerts
  // (nullopt: all modes).
  virtual Result<RestoredState> Restore(std::optional<Mode> mode) = 0;
};

class StoreReader;

class EventStore final : public StoreQueries {
 public:
  // Opens or creates the store. Errors (not a database, another program's database,
  // a newer schema, the file held by another server, no WAL support) say what to do.
  static Result<std::unique_ptr<EventStore>> Open(const StoreOptions& options);
  ~EventStore() override;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // A batch of writes committed together (all or none). Rows appended inside are
  // invisible to readers until Commit returns ok. Destroying an uncommitted
  // Transaction rolls it back. After any failed call the transaction is rolled back
  // and every later call (and Commit) returns that first error.
  // REQUIRES: at most one Transaction open per store; the store outlives it; no
  // EventStore write method is called while it is open.
  class Transaction {
   public:
    Transaction(Transaction&& o) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();

    Result<SeqRange> AppendReports(std::span<const ReportRecord> reports);
    Result<SeqRange> AppendAlertEvents(std::span<const AlertEventRecord> events);
    Result<SeqRange> AppendAudit(std::span<const AuditRecord> entries);
    Status PutCheckpoint(const Checkpoint& c);
    Status MarkPublished(const PublishedMark& m);  // replaces the channel's mark
    // Commits; ok means durable as described at the top of this file.
    Status Commit();

   private:
    friend class EventStore;
    explicit Transaction(EventStore* s) : store_(s) {}
    Status Check();
    void Abort(const Status& error);  // records the first error, rolls back
    EventStore* store_;
    bool done_ = false;
    Status failed_;
  };

  Result<Transaction> Begin();

  // One-call forms: each is one transaction.
  Result<SeqRange> AppendReports(std::span<const ReportRecord> reports);
  Result<SeqRange> AppendAlertEvents(std::span<const AlertEventRecord> events);
  Result<SeqRange> AppendAudit(std::span<const AuditRecord> entries);
  Status PutCheckpoint(const Checkpoint& c);
  Status MarkPublished(const PublishedMark& m);

  // Retention: deletes at most `max_rows` reports with time < older_than (oldest
  // first, one transaction) and checkpoints older than it that a newer one of the
  // same key supersedes. Never deletes alert events, audit entries, the latest
  // checkpoint of a key, or the newest report (so report seqs never restart).
  // Returns the number of reports deleted; call again while it equals max_rows.
  // Costs about 2 us per report deleted (5,000: ~10 ms the caller waits).
  // Freed pages are reused by later appends (the file does not shrink).
  Result<std::int64_t> Prune(UnixTime older_than, std::int64_t max_rows = 5000);

  // Queries on the writer connection (for the pipeline thread, e.g. at start-up).
  Result<std::vector<StoredReport>> RecentReports(UnixTime since, std::int64_t limit) override;
  Result<std::vector<StoredAlertEvent>> AlertHistory(const AlertHistoryQuery& q) override;
  Result<std::vector<StoredAudit>> Audit(UnixTime since, std::int64_t limit) override;
  Result<RestoredState> Restore(std::optional<Mode> mode = std::nullopt) override;

  // A query-only connection on the same file, for other threads.
  Result<std::unique_ptr<StoreReader>> OpenReader() const;

  // PRAGMA integrity_check: ok, or the problems SQLite lists.
  Status CheckIntegrity();

  const std::string& path() const { return options_.path; }

 private:
  EventStore(StoreOptions o, int lock_fd, std::unique_ptr<internal::Db> db);
  Status Init();

  StoreOptions options_;
  int lock_fd_;
  std::unique_ptr<internal::Db> db_;
  std::unique_ptr<internal::Writer> writer_;
  std::unique_ptr<internal::Queries> queries_;
  bool in_transaction_ = false;
};

// A query-only connection to a store another object (usually another thread's
// EventStore) writes. Internally synchronised.
class StoreReader final : public StoreQueries {
 public:
  // REQUIRES: the store exists (an EventStore created it).
  static Result<std::unique_ptr<StoreReader>> Open(const StoreOptions& options);
  ~StoreReader() override;

  Result<std::vector<StoredReport>> RecentReports(UnixTime since, std::int64_t limit) override;
  Result<std::vector<StoredAlertEvent>> AlertHistory(const AlertHistoryQuery& q) override;
  Result<std::vector<StoredAudit>> Audit(UnixTime since, std::int64_t limit) override;
  Result<RestoredState> Restore(std::optional<Mode> mode = std::nullopt) override;

 private:
  StoreReader(std::unique_ptr<internal::Db> db);
  std::mutex mu_;
  std::unique_ptr<internal::Db> db_;
  std::unique_ptr<internal::Queries> queries_;
};

}  // namespace tocsin::store
