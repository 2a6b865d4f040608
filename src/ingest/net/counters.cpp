#include "ingest/net/counters.h"

#include <mutex>

namespace tocsin::ingest::net {

std::uint64_t SensorCountsSnapshot::rejected_total() const {
  std::uint64_t n = 0;
  for (auto v : rejected) n += v;
  return n;
}

std::uint64_t IngestCountersSnapshot::rejected_total() const {
  std::uint64_t n = 0;
  for (auto v : rejected) n += v;
  return n;
}

IngestCounters::IngestCounters(std::size_t max_sensors) : max_sensors_(max_sensors) {}

void IngestCounters::OnConnectionOpened() {
  connections_total_.fetch_add(1, std::memory_order_relaxed);
  connections_open_.fetch_add(1, std::memory_order_relaxed);
}

void IngestCounters::OnConnectionClosed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }

IngestCounters::Cell& IngestCounters::CellFor(std::string_view sensor) {
  if (sensor.empty()) sensor = kNoSensor;
  {
    std::shared_lock lock(mu_);
    auto it = cells_.find(std::string(sensor));
    if (it != cells_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto it = cells_.find(std::string(sensor));
  if (it != cells_.end()) return *it->second;
  if (cells_.size() >= max_sensors_) sensor = kOtherSensor;
  auto& cell = cells_[std::string(sensor)];
  if (!cell) cell = std::make_unique<Cell>();
  return *cell;
}

void IngestCounters::OnAccepted(std::string_view sensor) {
  accepted_.fetch_add(1, std::memory_order_relaxed);
  CellFor(sensor).accepted.fetch_add(1, std::memory_order_relaxed);
}

void IngestCounters::OnRejected(RejectReason reason, std::string_view sensor) {
  auto i = static_cast<std::size_t>(reason);
  rejected_[i].fetch_add(1, std::memory_order_relaxed);
  CellFor(sensor).rejected[i].fetch_add(1, std::memory_order_relaxed);
}

IngestCountersSnapshot IngestCounters::Snapshot() const {
  IngestCountersSnapshot s;
  s.connections_total = connections_total_.load(std::memory_order_relaxed);
  std::int64_t open = connections_open_.load(std::memory_order_relaxed);
  s.connections_open = open > 0 ? static_cast<std::uint64_t>(open) : 0;
  s.bytes_total = bytes_.load(std::memory_order_relaxed);
  s.messages_total = messages_.load(std::memory_order_relaxed);
  s.accepted_total = accepted_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kRejectReasonCount; ++i) s.rejected[i] = rejected_[i].load(std::memory_order_relaxed);
  std::shared_lock lock(mu_);
  for (const auto& [id, cell] : cells_) {
    SensorCountsSnapshot& c = s.by_sensor[id];
    c.accepted = cell->accepted.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) c.rejected[i] = cell->rejected[i].load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace tocsin::ingest::net
