// A sensor report (one measurement), as in ../shared/spec/sensor-reports.md.
// A report carries no truth: no threat id.
//
// Units: metres, degrees (azimuth clockwise from true north, elevation above the
// local horizontal), seconds. Thread-safety: plain data.
#pragma once

#include <optional>

#include "core/category.h"
#include "core/geo.h"
#include "core/ids.h"
#include "core/units.h"

namespace tocsin::ingest {

enum class ReportKind {
  kRadar,     // a plot: range_m, azimuth_deg, elevation_deg (not from a 2D radar)
  kBearing,   // a line of bearing: azimuth_deg, elevation_deg optional
  kPosition,  // an observer's position report: position, alt_m optional, sigma_m
};

// "radar", "bearing", "position".
std::string_view ToString(ReportKind k);
std::optional<ReportKind> ParseReportKind(std::string_view s);

// One flat struct for the three kinds (cheap to copy, no allocation beyond the id);
// the fields a kind does not use keep their defaults.
struct Report {
  SensorId sensor;
  UnixTime time;  // when the measurement was made
  ReportKind kind = ReportKind::kRadar;

  // kRadar and kBearing.
  double range_m = 0.0;                        // kRadar only: slant range, >= 0
  double azimuth_deg = 0.0;                    // [0, 360]
  std::optional<double> elevation_deg;         // [-90, 90]; absent from a 2D radar
  std::optional<double> radial_velocity_mps;   // kRadar only, optional; > 0 receding

  // kPosition.
  LatLon position;
  std::optional<double> alt_m;
  double sigma_m = 0.0;  // 1-sigma horizontal error, metres, > 0

  // Optional on any kind.
  std::optional<ThreatCategory> class_hint;
  std::optional<double> snr_db;
};

}  // namespace tocsin::ingest
