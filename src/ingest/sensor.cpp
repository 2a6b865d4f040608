#include "ingest/sensor.h"

namespace tocsin::ingest {

std::string_view ToString(SensorType t) {
  switch (t) {
    case SensorType::kRadar: return "radar";
    case SensorType::kAcoustic: return "acoustic";
    case SensorType::kObserver: return "observer";
  }
  return "radar";
}

std::optional<SensorType> ParseSensorType(std::string_view s) {
  if (s == "radar") return SensorType::kRadar;
  if (s == "acoustic") return SensorType::kAcoustic;
  if (s == "observer") return SensorType::kObserver;
  return std::nullopt;
}

SensorIndex::SensorIndex(std::vector<SensorDescription> sensors) : sensors_(std::move(sensors)) {
  for (std::size_t i = 0; i < sensors_.size(); ++i) by_id_.emplace(sensors_[i].id.str(), i);
}

const SensorDescription* SensorIndex::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &sensors_[it->second];
}

long SensorIndex::IndexOf(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? -1 : static_cast<long>(it->second);
}

}  // namespace tocsin::ingest
