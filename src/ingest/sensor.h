// Sensor descriptions, as in ../shared/spec/sensor-reports.md ("Sensors").
//
// Units: metres, degrees, seconds, SI throughout. Thread-safety: plain data;
// SensorIndex is immutable after construction and safe to share between threads.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/geo.h"
#include "core/ids.h"

namespace tocsin::ingest {

enum class SensorType { kRadar, kAcoustic, kObserver };

// "radar", "acoustic", "observer".
std::string_view ToString(SensorType t);
std::optional<SensorType> ParseSensorType(std::string_view s);

// 1-sigma measurement errors, one per measured field. A field is present exactly
// when the sensor measures that quantity.
struct SensorSigma {
  std::optional<double> range_m;
  std::optional<double> azimuth_deg;
  std::optional<double> elevation_deg;
  std::optional<double> radial_velocity_mps;
  std::optional<double> position_m;
};

struct SensorDescription {
  SensorId id;
  SensorType type = SensorType::kRadar;
  // Where the sensor stands; always set for radar and acoustic sensors, may be
  // absent for an observer (a crowd-report network has no single position).
  std::optional<LatLon> position;
  double alt_m = 0.0;  // metres above the ellipsoid
  SensorSigma sigma;
  // Nothing farther (slant range) is reported. 0 for an observer: no limit.
  double max_range_m = 0.0;
  // Radar only: nothing below this elevation is reported. Default 0.
  double min_elevation_deg = 0.0;
  double period_s = 0.0;        // time between scans, or between reports of one target
  double p_detect = 0.0;        // probability that a target in coverage is reported per period
  double false_per_scan = 0.0;  // mean clutter reports per period, uniform in coverage

  // A 2D radar is a radar whose sigma has no elevation_deg: it measures range and
  // azimuth only, and its reports carry no elevation_deg.
  bool Is2dRadar() const { return type == SensorType::kRadar && !sigma.elevation_deg; }
  bool Is3dRadar() const { return type == SensorType::kRadar && sigma.elevation_deg.has_value(); }
};

// A sensor list with the scenario epoch when the file gave one.
struct SensorList {
  std::optional<double> epoch;  // Unix s
  std::vector<SensorDescription> sensors;
};

// Looks sensors up by id. Ids are unique (the readers enforce it).
class SensorIndex {
 public:
  SensorIndex() = default;
  explicit SensorIndex(std::vector<SensorDescription> sensors);

  // The sensor with this id, or nullptr. The pointer lives as long as the index.
  const SensorDescription* Find(std::string_view id) const;
  // Position of the sensor in sensors(), or -1.
  long IndexOf(std::string_view id) const;
  const std::vector<SensorDescription>& sensors() const { return sensors_; }

 private:
  std::vector<SensorDescription> sensors_;
  std::map<std::string, std::size_t, std::less<>> by_id_;
};

}  // namespace tocsin::ingest
