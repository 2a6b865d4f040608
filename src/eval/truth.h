// Reader for a scenario's truth.json (../shared/spec/scenario.md): what really flew.
//
// Thread-safety: plain data and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/category.h"
#include "core/geo.h"
#include "core/status.h"

namespace tocsin::eval {

// One point of a flight: time (Unix s), ground position, altitude (m).
struct TruthPoint {
  double time = 0;
  LatLon position;
  double alt_m = 0;
};

enum class FlightEnd { kImpact, kDestroyed };

struct TruthThreat {
  std::string id;
  ThreatCategory kind = ThreatCategory::kDrone;  // never kUnknown
  std::string model;                             // may be empty
  std::vector<TruthPoint> points;                // >= 1, times non-decreasing
  FlightEnd end = FlightEnd::kImpact;
  std::optional<double> first_seen;              // nullopt: never reported
};

struct Truth {
  std::string name;
  double epoch = 0;
  std::string zones;  // catalog name or path; empty when the file gives none
  std::vector<TruthThreat> threats;

  // Last time of any threat's last point; nullopt when there are no threats.
  std::optional<double> LastTime() const;
};

// Parses truth.json text. `source_name` names the input in messages. On failure the
// Status says where (file, line for JSON syntax errors, threat index and id, point
// index) and what is wrong. Validates: kinds, ids present and unique, at least one
// point per threat, times finite and non-decreasing, lat in [-90, 90], lon in
// [-180, 180], end "impact"/"destroyed", first_seen a number or null.
Result<Truth> ParseTruth(const std::string& text, const std::string& source_name);

// Reads and parses a truth.json file.
Result<Truth> ReadTruthFile(const std::string& path);

}  // namespace tocsin::eval
