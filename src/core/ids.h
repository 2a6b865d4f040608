// Strong identifier types. Each wraps a string so that a zone id can never be
// passed where a track id is expected. Values are compared and hashed as strings.
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <utility>

namespace tocsin {

template <typename Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string v) : v_(std::move(v)) {}
  const std::string& str() const { return v_; }
  bool empty() const { return v_.empty(); }
  auto operator<=>(const StrongId&) const = default;

 private:
  std::string v_;
};

using ZoneId = StrongId<struct ZoneIdTag>;      // catalog zone id (KATOTTG code, IL-<n>)
using RegionId = StrongId<struct RegionIdTag>;  // a zone's parent region id
using TrackId = StrongId<struct TrackIdTag>;    // the system's own track id (never a truth id)
using SensorId = StrongId<struct SensorIdTag>;  // sensor id from a sensor list
using AlertId = StrongId<struct AlertIdTag>;    // alert id in the alert log ("A-000017")

}  // namespace tocsin

template <typename Tag>
struct std::hash<tocsin::StrongId<Tag>> {
  size_t operator()(const tocsin::StrongId<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.str());
  }
};
