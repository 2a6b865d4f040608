#include "core/category.h"

#include <array>
#include <utility>

namespace tocsin {
namespace {
constexpr std::array<std::pair<ThreatCategory, std::string_view>, 6> kNames{{
    {ThreatCategory::kDrone, "drone"},
    {ThreatCategory::kCruiseMissile, "cruise_missile"},
    {ThreatCategory::kBallisticMissile, "ballistic_missile"},
    {ThreatCategory::kRocket, "rocket"},
    {ThreatCategory::kAircraft, "aircraft"},
    {ThreatCategory::kUnknown, "unknown"},
}};
}  // namespace

std::string_view ToString(ThreatCategory c) {
  for (const auto& [cat, name] : kNames)
    if (cat == c) return name;
  return "unknown";
}

std::optional<ThreatCategory> ParseThreatCategory(std::string_view s) {
  for (const auto& [cat, name] : kNames)
    if (name == s) return cat;
  return std::nullopt;
}

}  // namespace tocsin
