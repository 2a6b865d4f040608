// Threat categories, as named in the contracts (alert-log.md, sensor-reports.md).
#pragma once

#include <optional>
#include <string_view>

namespace tocsin {

enum class ThreatCategory { kDrone, kCruiseMissile, kBallisticMissile, kRocket, kAircraft, kUnknown };

// "drone", "cruise_missile", "ballistic_missile", "rocket", "aircraft", "unknown".
std::string_view ToString(ThreatCategory c);
// Inverse of ToString; nullopt for any other text.
std::optional<ThreatCategory> ParseThreatCategory(std::string_view s);

}  // namespace tocsin
