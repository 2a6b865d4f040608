#include "ingest/asterix/convert.h"

#include <cmath>
#include <string>

namespace tocsin::ingest::asterix {
namespace {

constexpr double kDay = 86400.0;

std::string Pair(const DataSource& s) {
  return "SAC " + std::to_string(s.sac) + " / SIC " + std::to_string(s.sic);
}

Result<SensorId> LookUp(const std::optional<DataSource>& src, const ReportConfig& config,
                        const char* cat, const char* item) {
  if (!src) {
    return Status::Error(std::string(cat) + " record without data source identifier (" + item +
                         "): cannot tell which sensor sent it");
  }
  auto it = config.sensors.find({src->sac, src->sic});
  if (it == config.sensors.end()) {
    return Status::Error(std::string(cat) + " record from unknown data source " + Pair(*src) +
                         ": add {\"sac\": " + std::to_string(src->sac) + ", \"sic\": " +
                         std::to_string(src->sic) + "} with its sensor id to the ASTERIX sensor config");
  }
  return it->second;
}

Result<Report> FromPlot(const Cat048Record& p, const ReportConfig& config, UnixTime reference) {
  Result<SensorId> id = LookUp(p.source, config, "CAT048", "I048/010");
  if (!id.ok()) return id.status();
  if (!p.time_of_day_s) {
    return Status::Error("CAT048 plot from " + Pair(*p.source) +
                         " has no time of day (I048/140): cannot time-stamp it");
  }
  if (!p.range_m || !p.azimuth_deg) {
    return Status::Error("CAT048 plot from " + Pair(*p.source) +
                         " has no measured position (I048/040): nothing to report");
  }
  Report r;
  r.sensor = *id;
  r.time = ResolveTimeOfDay(*p.time_of_day_s, reference);
  r.kind = ReportKind::kRadar;
  r.range_m = p.extended_range_m && p.descriptor && p.descriptor->err ? *p.extended_range_m : *p.range_m;
  r.azimuth_deg = *p.azimuth_deg;
  return r;
}

Result<Report> FromTrack(const Cat062Record& t, const ReportConfig& config, UnixTime reference) {
  Result<SensorId> id = LookUp(t.source, config, "CAT062", "I062/010");
  if (!id.ok()) return id.status();
  if (!t.time_of_track_s) {
    return Status::Error("CAT062 track from " + Pair(*t.source) +
                         " has no time of track (I062/070): cannot time-stamp it");
  }
  if (!t.position) {
    return Status::Error("CAT062 track from " + Pair(*t.source) +
                         " has no WGS-84 position (I062/105): only system cartesian positions"
                         " are not converted (configure the SDPS to send I062/105)");
  }
  Report r;
  r.sensor = *id;
  r.time = ResolveTimeOfDay(*t.time_of_track_s, reference);
  r.kind = ReportKind::kPosition;
  r.position = *t.position;
  if (t.geometric_alt_m) {
    r.alt_m = *t.geometric_alt_m;
  } else if (t.measured_fl) {
    r.alt_m = FlightLevelToMetres(*t.measured_fl);
  } else if (t.baro_alt_fl) {
    r.alt_m = FlightLevelToMetres(*t.baro_alt_fl);
  }
  r.sigma_m = config.track_sigma_m;
  return r;
}

}  // namespace

UnixTime ResolveTimeOfDay(double seconds_of_day, UnixTime reference) {
  const double day_start = std::floor(reference.seconds() / kDay) * kDay;
  double best = day_start + seconds_of_day;
  for (double candidate : {best - kDay, best + kDay}) {
    if (std::abs(candidate - reference.seconds()) < std::abs(best - reference.seconds())) {
      best = candidate;
    }
  }
  return UnixTime(best);
}

std::optional<double> PlotPressureAltitudeM(const Cat048Record& plot) {
  if (!plot.flight_level || plot.flight_level->not_validated || plot.flight_level->garbled) {
    return std::nullopt;
  }
  return FlightLevelToMetres(plot.flight_level->fl);
}

Result<Report> ToReport(const DecodedRecord& record, const ReportConfig& config, UnixTime reference) {
  if (const auto* p = std::get_if<Cat048Record>(&record.record)) return FromPlot(*p, config, reference);
  return FromTrack(std::get<Cat062Record>(record.record), config, reference);
}

Conversion ToReports(std::span<const DecodedRecord> records, const ReportConfig& config,
                     UnixTime reference) {
  Conversion out;
  out.reports.reserve(records.size());
  for (const DecodedRecord& rec : records) {
    Result<Report> r = ToReport(rec, config, reference);
    if (r.ok()) {
      out.reports.push_back(std::move(r).value());
    } else {
      out.rejections.push_back(r.status());
    }
  }
  return out;
}

}  // namespace tocsin::ingest::asterix
