// A simulated scenario in memory: sensors, truth flights and the report stream, and
// its writer to a scenario folder (../shared/spec/scenario.md).
//
// Thread-safety: plain data; WriteScenario reads only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/report.h"
#include "ingest/sensor.h"
#include "sim/flight.h"

namespace tocsin::sim {

// One generated report, compact, with the truth link the file never shows.
struct SimReport {
  double time = 0;        // measurement time, Unix s (rounded to 1 ms, as written)
  double arrival = 0;     // when it reaches the system; the file is in arrival order
  std::uint32_t sensor = 0;  // index into Scenario::sensors.sensors
  std::int32_t threat = -1;  // index into Scenario::flights; -1 = clutter / false alarm
  ingest::ReportKind kind = ingest::ReportKind::kRadar;
  std::int8_t class_hint = -1;  // ThreatCategory as int, -1 = none
  bool has_elevation = false;
  bool has_radial_velocity = false;
  // kRadar: range_m, azimuth_deg, elevation_deg, radial_velocity_mps
  // kBearing: -, azimuth_deg, elevation_deg
  // kPosition: lat, lon, sigma_m
  double v[4] = {0, 0, 0, 0};

  ingest::Report ToReport(const ingest::SensorList& sensors) const;
};

struct Scenario {
  std::string name;
  double epoch = 0;
  std::string zones;  // catalog name
  ingest::SensorList sensors;
  std::vector<Flight> flights;
  std::vector<SimReport> reports;  // arrival order
};

// Writes sensors.json, reports.jsonl and truth.json into `dir` (created if needed).
Status WriteScenario(const Scenario& s, const std::string& dir);

// truth.json text (scenario.md): points [t, lat, lon, alt_m] with 3, 7, 7 and 1 decimals.
void WriteTruth(const Scenario& s, std::ostream& out);

}  // namespace tocsin::sim
