// Reading and writing reports as JSON Lines (../shared/spec/sensor-reports.md).
//
// Reading validates every line and rejects it, with a reason that names the source
// and line, when it is malformed JSON, lacks a required field, names an unknown
// sensor, holds a value out of range (time not a positive finite number, azimuth
// outside [0, 360], elevation outside [-90, 90], negative range, lat/lon out of
// range, sigma_m <= 0, unknown kind or class_hint), or is a radar plot from a
// sensor that is not a radar. Unknown extra fields are ignored. A rejected line
// never stops the stream. Blank lines are skipped and not counted.
//
// Speed: parsing uses nlohmann::json (about 1-2 us per line on one core); a
// hand-written scanner is the upgrade path if replay at 200k reports/s needs it.
// Thread-safety: the free functions are pure; a ReportReader is used by one thread.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/report.h"
#include "ingest/sensor.h"

namespace tocsin::ingest {

// Parses one line. `sensors` may be null: then any sensor id is accepted and the
// radar-only check is skipped. `where` prefixes error messages (e.g. "reports.jsonl:12").
Result<Report> ParseReportLine(std::string_view line, const SensorIndex* sensors,
                               const std::string& where);

// Reads reports line by line from a stream it does not own.
class ReportReader {
 public:
  // REQUIRES: `in` and `sensors` (when not null) outlive the reader.
  ReportReader(std::istream& in, const SensorIndex* sensors, std::string source_name);

  // The next non-blank line's report or rejection; nullopt at the end of the stream.
  std::optional<Result<Report>> Next();

  std::int64_t line_number() const { return line_; }  // 1-based number of the last line read
  std::int64_t accepted() const { return accepted_; }
  std::int64_t rejected() const { return rejected_; }

 private:
  std::istream& in_;
  const SensorIndex* sensors_;
  std::string source_name_;
  std::string buffer_;
  std::int64_t line_ = 0;
  std::int64_t accepted_ = 0;
  std::int64_t rejected_ = 0;
};

// Appends one report as a compact JSON object in the spec's field order, without
// a newline: sensor, time, kind, then the kind's fields, then class_hint and snr_db
// when set. Decimals: time 3, range 1, angles 4, velocities 2, lat/lon 6, alt 1,
// sigma_m 1, snr 1.
void AppendReportJson(const Report& r, std::string* out);

// The report as one JSON line, newline included.
std::string ReportToJsonLine(const Report& r);

}  // namespace tocsin::ingest
