// The live pipeline: one thread owns tracker -> predictor -> alert engine and the
// operator actions. Network threads Submit() accepted reports into a bounded queue;
// the pipeline thread takes them in batches and, for each batch,
//   1. runs them through the tracker (ticking engine and tracker once per
//      tick_interval of clock time),
//   2. hands the tracks' waiting dangers to the alert engine, and every
//      publish_slice_s of that writes the reports, decisions and audit entries so far
//      to the DecisionLog in one commit, THEN hands those decisions to the
//      DecisionPublisher,
//   3. swaps the Snapshot when one is due.
// So nothing is published that is not stored (a failed commit is logged and counted,
// and the decisions are still published: warning people comes first).
//
// A batch is at most max_batch reports and at most max_batch_s of tracking, then at
// most max_batch_s of deciding (all that waits when caught up with no operator
// action waiting): a backlog is worked off in short batches, so
// decisions and operator actions never wait long behind it (reports taken from the
// queue but not yet processed, up to max_batch, are not counted against
// queue_capacity). The alert engine takes the tracks' dangers deferred
// (replay::Pipeline::SetDeferDangers): when it cannot keep up, each track's
// newest danger replaces the one still waiting, and tracks are decided in the
// order they started waiting, so the tracker keeps pace and no track waits more
// than one pass over the others.
// Overload: when the queue is full Submit() refuses the report (the caller counts
// it) and the report's sensor is treated as stale for sensor_stale_after_s, which
// widens every danger depending on it (alert wider, never narrower).
// Blind sensors: a radar that normally reports every scan (period_s > 0 and clutter
// expected) and has been silent for max(sensor_stale_after_s, 5 periods) is stale.
//
// Restart: Start() restores the alert id counters and open alerts from the log
// (adopted, never restarted: no decision is published twice) and rebuilds tracks by
// re-processing the reports of the last restore_window_s without publishing.
//
// Time: from the injected Clock. Thread-safety: Submit(), snapshot(), stats() and the
// operator calls are thread-safe; operator calls block until the pipeline thread ran
// them (bounded by their timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <span>
#include <string>
#include <vector>

#include "alert/policy.h"
#include "core/clock.h"
#include "core/status.h"
#include "ingest/sensor.h"
#include "predict/predictor.h"
#include "server/live_types.h"
#include "track/tracker_config.h"
#include "zones/catalog.h"

namespace tocsin::server {

// One operator action, as audited.
struct AuditRecord {
  double time = 0;
  std::string operator_name, role, action;
  std::string detail;  // JSON object text
  std::string result;  // "ok", "pending", "refused: ..."
};

// What the server restores after a restart.
struct RestoredLog {
  alert::AlertIdAllocator::State ids;
  std::vector<alert::AlertEvent> open;        // start/prestart without end, log order
  std::vector<InboundReport> recent_reports;  // last restore_window_s, time order
  std::uint64_t last_seq = 0;                 // decisions stored so far
  std::uint64_t next_request = 1;             // next "R-" number
};

// The number of the operator request named in an audit entry's detail JSON
// ({"request": "R-000003", ...}), or nullopt. Restores use it so that request ids
// continue after the highest ever used.
std::optional<std::uint64_t> RequestNumberInAudit(std::string_view detail_json);

// Durable storage of what the pipeline decided. Called on the pipeline thread only.
class DecisionLog {
 public:
  virtual ~DecisionLog() = default;
  virtual Result<RestoredLog> Restore(double since) = 0;
  // Stores one batch atomically.
  virtual Status Commit(std::span<const InboundReport> reports, std::span<const PublishedEvent> events,
                        std::span<const AuditRecord> audit) = 0;
  // Deletes at most max_rows stored reports received before `older_than` (clock
  // seconds); returns how many (== max_rows: more may be left). Decisions and the
  // audit are never deleted. Default: nothing is deleted (a log that keeps no reports).
  virtual Result<std::int64_t> PruneReports(double older_than, std::int64_t max_rows) {
    (void)older_than, (void)max_rows;
    return std::int64_t{0};
  }
};

// Receives what the pipeline thread decided, after it is stored. Called on the
// pipeline thread; must not block (queue and return).
class DecisionPublisher {
 public:
  virtual ~DecisionPublisher() = default;
  virtual void Publish(std::span<const PublishedEvent> events, Mode mode) = 0;
  virtual void OnSnapshot(const std::shared_ptr<const Snapshot>& snapshot) {}
};

struct LiveOptions {
  Mode mode = Mode::kLive;
  std::size_t queue_capacity = 262144;  // reports waiting for the pipeline thread
  std::size_t max_batch = 8192;
  // Tracking time (steady clock) after which a batch is cut short, and the time it
  // then gives the alert engine for waiting dangers: its decisions are committed and
  // published, operator actions waiting are run, and the rest of the reports taken
  // (and dangers waiting) follow in the next batch. Bounds how long a decision or an
  // operator action waits behind a backlog.
  double max_batch_s = 0.004;
  // While the engine decides, what it decided is committed and published at least
  // this often (steady clock), so a danger early in line is not held back by the
  // ones after it.
  double publish_slice_s = 0.001;
  double tick_interval_s = 1.0;
  double sensor_stale_after_s = 30.0;
  double snapshot_interval_s = 0.25;  // clock seconds between snapshots (also after decisions)
  // Decisions reach the snapshot at most this long (steady clock) after they are
  // published: a snapshot follows a batch with decisions unless one was made less
  // than this ago (then the next loop makes it). Operator actions snapshot at once.
  double snapshot_min_gap_s = 0.05;
  std::size_t trail_points = 40;
  double restore_window_s = 600.0;
  // Stored reports older than this (clock seconds; store::kDefaultReportRetention)
  // are deleted while the pipeline is caught up: at most prune_max_rows (~2 us each)
  // every prune_interval_s, or at once again while a call found that many.
  double report_retention_s = 48 * 3600.0;
  double prune_interval_s = 1.0;
  std::int64_t prune_max_rows = 1000;
  double manual_default_duration_s = 600.0;
  double manual_max_duration_s = 6 * 3600.0;
};

struct LiveStats {
  std::atomic<std::uint64_t> submitted{0}, refused_overload{0}, processed{0}, batches{0};
  std::atomic<std::uint64_t> decisions{0}, store_failures{0}, operator_actions{0};
  std::atomic<std::uint64_t> reports_pruned{0};  // stored reports deleted (report_retention_s)
  std::atomic<std::uint64_t> live_tracks{0}, active_alerts{0}, active_prealerts{0};
  // Track dangers waiting for the alert engine now, replaced by a newer one while
  // waiting (total), and the longest wait so far (clock seconds).
  std::atomic<std::uint64_t> pending_dangers{0}, superseded_dangers{0};
  std::atomic<double> max_danger_wait_s{0};
  // Decision latency, histogram, seconds: report arrival -> the commit and
  // publication after which no danger that waited when it was tracked still waits
  // (its own dangers among them); an upper bound, at most 1 ms long.
  // Finer around the 10 ms target (issue 5: report -> SSE p99 <= 10 ms).
  static constexpr std::array<double, 15> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.0075,  0.01,   0.015, 0.02,
                                                      0.025,  0.05,    0.1,    0.5,   1.0};
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> latency_counts{};  // last = +Inf
  std::atomic<double> latency_sum{0};
};

// Result of an operator action.
struct OperatorOutcome {
  int http_status = 200;   // 200 issued/cancelled, 202 pending, 4xx refused
  std::string status;      // "issued", "pending", "cancelled", or an error message
  std::vector<std::string> alerts;   // alert ids started or cancelled
  std::string request;               // pending request id
  std::vector<std::string> regions;  // regions of a pending request
};

struct OperatorIdentity {
  std::string name;
  std::string role;  // "operator", "supervisor"
};

struct ManualAlertRequest {
  std::vector<std::string> zones;      // zone ids, or
  std::vector<LatLon> polygon;         // a drawn area (closed or not)
  ThreatCategory category = ThreatCategory::kUnknown;
  std::string note;
  double duration_s = 0;               // 0: default
};

struct CancelRequest {
  std::string alert;  // an alert or pre-alert id, or
  std::string zone;   // a zone id, or
  bool all = false;   // every open alert
};

class LiveCore {
 public:
  // REQUIRES: catalog, sensors, clock, log and publisher outlive the core.
  LiveCore(const zones::Catalog& catalog, const ingest::SensorIndex& sensors, alert::Policy policy,
           const Clock& clock, DecisionLog& log, DecisionPublisher& publisher, LiveOptions options = {});
  ~LiveCore();
  LiveCore(const LiveCore&) = delete;
  LiveCore& operator=(const LiveCore&) = delete;

  // Restores from the log and starts the pipeline thread. Errors: the log cannot be read.
  Status Start();
  // Processes what is queued, then stops the thread. Idempotent.
  void Stop();

  // From any thread. False when the queue is full (overload; counted).
  bool Submit(InboundReport report);

  // Operator actions (any thread; run on the pipeline thread, audited).
  OperatorOutcome IssueManual(const OperatorIdentity& who, const ManualAlertRequest& request);
  OperatorOutcome Confirm(const OperatorIdentity& who, const std::string& request_id);
  OperatorOutcome Cancel(const OperatorIdentity& who, const CancelRequest& request);

  // The latest published view (never null after Start).
  std::shared_ptr<const Snapshot> snapshot() const;
  const LiveStats& stats() const { return stats_; }
  const zones::Catalog& catalog() const { return catalog_; }
  const ingest::SensorIndex& sensors() const { return sensors_; }
  Mode mode() const { return options_.mode; }
  const Clock& clock() const { return clock_; }

 private:
  struct Impl;
  const zones::Catalog& catalog_;
  const ingest::SensorIndex& sensors_;
  const Clock& clock_;
  LiveOptions options_;
  LiveStats stats_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::server
