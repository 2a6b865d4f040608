// Conversion of decoded ASTERIX records to the pipeline's ingest::Report.
//
// - A CAT048 plot becomes a kRadar report: range_m from RHO (or the ed. 1.23
//   extended range), azimuth_deg from THETA, no elevation (a 2D plot). Its Mode-C
//   flight level is not part of Report; PlotPressureAltitudeM gives it.
// - A CAT062 system track becomes a kPosition report: WGS-84 lat/lon, alt_m from
//   the geometric altitude (I062/130), else the measured flight level (136), else
//   the calculated barometric altitude (135), sigma_m from the config.
// - The sensor id comes from the record's SAC/SIC through ReportConfig::sensors;
//   an unknown pair is a rejection naming it.
// - ASTERIX carries only the UTC time of day; the absolute time is the instant
//   with that time of day nearest to the reference (the receive time).
//
// Thread-safety: stateless functions over immutable inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "core/status.h"
#include "core/units.h"
#include "ingest/asterix/records.h"
#include "ingest/report.h"

namespace tocsin::ingest::asterix {

struct ReportConfig {
  // {SAC, SIC} -> the sensor id of the sensor list (CAT048: the radar; CAT062:
  // the SDPS, which the sensor list should describe as an observer).
  std::map<std::pair<std::uint8_t, std::uint8_t>, SensorId> sensors;
  double track_sigma_m = 150.0;  // 1-sigma horizontal error given to CAT062 positions
};

// Seconds of the UTC day (REQUIRES: [0, 86400)) -> the Unix time with that time
// of day nearest to reference (so a plot stamped 23:59:59 received at 00:00:01
// lands on the previous day).
UnixTime ResolveTimeOfDay(double seconds_of_day, UnixTime reference);

// The altitude estimate of a CAT048 plot from its Mode-C flight level: pressure
// altitude in metres (standard atmosphere, not geometric). Absent when the plot
// has no I048/090 or its code is marked not validated or garbled.
std::optional<double> PlotPressureAltitudeM(const Cat048Record& plot);

// One record -> one report, or a rejection saying what is missing or unknown.
Result<Report> ToReport(const DecodedRecord& record, const ReportConfig& config, UnixTime reference);

struct Conversion {
  std::vector<Report> reports;
  std::vector<Status> rejections;  // one per record that could not be converted
};
Conversion ToReports(std::span<const DecodedRecord> records, const ReportConfig& config,
                     UnixTime reference);

}  // namespace tocsin::ingest::asterix
