// Thread-safe ingest counters: connections, bytes, messages, accepted reports and
// rejections per reason, with a per-sensor breakdown, for /metrics.
//
// Every method may be called from any thread concurrently (std::atomic counters; the
// per-sensor table is guarded by a shared_mutex and only locked exclusively the first
// time a sensor id is seen). The per-sensor table is bounded: once it holds
// `max_sensors` ids, further ids are counted under kOtherSensor, so a stream of
// invented sensor ids cannot grow memory or metric cardinality. Callers pass an empty
// sensor id for rejections whose sensor is not trustworthy (e.g. unknown_sensor);
// those are counted under kNoSensor.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/net/reject_reason.h"

namespace tocsin::ingest::net {

inline constexpr std::string_view kNoSensor = "-";         // rejection without a trusted sensor id
inline constexpr std::string_view kOtherSensor = "_other";  // ids beyond the table's bound

struct SensorCountsSnapshot {
  std::uint64_t accepted = 0;
  std::array<std::uint64_t, kRejectReasonCount> rejected{};  // indexed by RejectReason
  std::uint64_t rejected_total() const;
};

// A consistent-enough copy of the counters (each value read atomically; values are
// not read at one instant across counters).
struct IngestCountersSnapshot {
  std::uint64_t connections_total = 0;  // accepted connections (TCP/TLS), ever
  std::uint64_t connections_open = 0;   // currently open
  std::uint64_t bytes_total = 0;        // bytes received (after TLS decryption)
  std::uint64_t messages_total = 0;     // lines, datagrams' lines, frames received
  std::uint64_t accepted_total = 0;     // reports accepted
  std::array<std::uint64_t, kRejectReasonCount> rejected{};  // indexed by RejectReason
  std::map<std::string, SensorCountsSnapshot> by_sensor;     // sorted by id

  std::uint64_t rejected_total() const;
  std::uint64_t rejected_for(RejectReason r) const { return rejected[static_cast<std::size_t>(r)]; }
};

class IngestCounters {
 public:
  explicit IngestCounters(std::size_t max_sensors = 4096);
  IngestCounters(const IngestCounters&) = delete;
  IngestCounters& operator=(const IngestCounters&) = delete;

  void OnConnectionOpened();
  void OnConnectionClosed();
  void AddBytes(std::uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  void OnMessage() { messages_.fetch_add(1, std::memory_order_relaxed); }
  void OnAccepted(std::string_view sensor);
  // `sensor` empty: counted under kNoSensor.
  void OnRejected(RejectReason reason, std::string_view sensor);

  IngestCountersSnapshot Snapshot() const;

 private:
  struct Cell {
    std::atomic<std::uint64_t> accepted{0};
    std::array<std::atomic<std::uint64_t>, kRejectReasonCount> rejected{};
  };
  Cell& CellFor(std::string_view sensor);

  const std::size_t max_sensors_;
  std::atomic<std::uint64_t> connections_total_{0};
  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> accepted_{0};
  std::array<std::atomic<std::uint64_t>, kRejectReasonCount> rejected_{};
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Cell>> cells_;  // guarded by mu_
};

// Appends the snapshots in Prometheus text format 0.0.4, each metric family once,
// every sample labelled listener="<name>":
//   tocsin_ingest_connections_total, tocsin_ingest_connections_open (gauge),
//   tocsin_ingest_bytes_total, tocsin_ingest_messages_total,
//   tocsin_ingest_accepted_total{listener,sensor},
//   tocsin_ingest_rejected_total{listener,reason} (every reason, zeros included),
//   tocsin_ingest_sensor_rejected_total{listener,sensor,reason} (non-zero only).
// Label values are escaped (backslash, quote, newline).
void AppendPrometheus(const std::vector<std::pair<std::string, IngestCountersSnapshot>>& listeners, std::string* out);

}  // namespace tocsin::ingest::net
