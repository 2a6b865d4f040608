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

namespace {

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Family(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

void Sample(std::string* out, const char* name, const std::string& labels, std::uint64_t v) {
  *out += name;
  *out += '{';
  *out += labels;
  *out += "} ";
  *out += std::to_string(v);
  *out += '\n';
}

}  // namespace

void AppendPrometheus(const std::vector<std::pair<std::string, IngestCountersSnapshot>>& listeners, std::string* out) {
  auto simple = [&](const char* name, const char* type, const char* help, auto get) {
    Family(out, name, type, help);
    for (const auto& [l, s] : listeners) Sample(out, name, "listener=\"" + Label(l) + "\"", get(s));
  };
  simple("tocsin_ingest_connections_total", "counter", "Connections accepted.",
         [](const IngestCountersSnapshot& s) { return s.connections_total; });
  simple("tocsin_ingest_connections_open", "gauge", "Connections open now.",
         [](const IngestCountersSnapshot& s) { return s.connections_open; });
  simple("tocsin_ingest_bytes_total", "counter", "Bytes received (after TLS).",
         [](const IngestCountersSnapshot& s) { return s.bytes_total; });
  simple("tocsin_ingest_messages_total", "counter", "Lines or frames received.",
         [](const IngestCountersSnapshot& s) { return s.messages_total; });

  Family(out, "tocsin_ingest_accepted_total", "counter", "Reports accepted, per sensor.");
  for (const auto& [l, s] : listeners)
    for (const auto& [sensor, c] : s.by_sensor)
      if (c.accepted > 0)
        Sample(out, "tocsin_ingest_accepted_total", "listener=\"" + Label(l) + "\",sensor=\"" + Label(sensor) + "\"", c.accepted);

  Family(out, "tocsin_ingest_rejected_total", "counter", "Lines, frames or connections refused, per reason.");
  for (const auto& [l, s] : listeners)
    for (RejectReason r : AllRejectReasons())
      Sample(out, "tocsin_ingest_rejected_total",
             "listener=\"" + Label(l) + "\",reason=\"" + std::string(ToString(r)) + "\"", s.rejected_for(r));

  Family(out, "tocsin_ingest_sensor_rejected_total", "counter",
         "Refusals per sensor and reason (sensor \"-\": not authenticated).");
  for (const auto& [l, s] : listeners)
    for (const auto& [sensor, c] : s.by_sensor)
      for (RejectReason r : AllRejectReasons())
        if (auto v = c.rejected[static_cast<std::size_t>(r)]; v > 0)
          Sample(out, "tocsin_ingest_sensor_rejected_total",
                 "listener=\"" + Label(l) + "\",sensor=\"" + Label(sensor) + "\",reason=\"" + std::string(ToString(r)) + "\"",
                 v);
}

}  // namespace tocsin::ingest::net
