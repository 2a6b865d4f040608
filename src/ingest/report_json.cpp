#include "ingest/report_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "ingest/json_text.h"

namespace tocsin::ingest {
namespace {

using nlohmann::json;

Status Reject(const std::string& where, const std::string& why) {
  return Status::Error(where + ": " + why + "; line skipped");
}

// Reads an optional finite number. Returns false (and sets *error) when the field
// is present but not a finite number.
bool OptionalNumber(const json& j, const char* key, std::optional<double>* out, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_number()) {
    *error = std::string("field \"") + key + "\" must be a number";
    return false;
  }
  double v = it->get<double>();
  if (!std::isfinite(v)) {
    *error = std::string("field \"") + key + "\" must be finite";
    return false;
  }
  *out = v;
  return true;
}

bool RequiredNumber(const json& j, const char* key, double* out, std::string* error) {
  std::optional<double> v;
  if (!OptionalNumber(j, key, &v, error)) return false;
  if (!v) {
    *error = std::string("missing field \"") + key + "\"";
    return false;
  }
  *out = *v;
  return true;
}

std::string Num(double v) {
  std::string s;
  AppendJsonNumber(&s, v, 6);
  return s;
}

}  // namespace

std::string_view ToString(ReportKind k) {
  switch (k) {
    case ReportKind::kRadar: return "radar";
    case ReportKind::kBearing: return "bearing";
    case ReportKind::kPosition: return "position";
  }
  return "radar";
}

std::optional<ReportKind> ParseReportKind(std::string_view s) {
  if (s == "radar") return ReportKind::kRadar;
  if (s == "bearing") return ReportKind::kBearing;
  if (s == "position") return ReportKind::kPosition;
  return std::nullopt;
}

Result<Report> ParseReportLine(std::string_view line, const SensorIndex* sensors,
                               const std::string& where) {
  json j;
  try {
    j = json::parse(line.begin(), line.end());
  } catch (const json::exception& e) {
    return Reject(where, std::string("malformed JSON (") + e.what() + ")");
  }
  if (!j.is_object()) return Reject(where, "not a JSON object");
  Report r;
  std::string error;

  auto sensor = j.find("sensor");
  if (sensor == j.end()) return Reject(where, "missing field \"sensor\"");
  if (!sensor->is_string()) return Reject(where, "field \"sensor\" must be a string");
  const std::string& sensor_id = sensor->get_ref<const std::string&>();
  const SensorDescription* desc = nullptr;
  if (sensors != nullptr) {
    desc = sensors->Find(sensor_id);
    if (desc == nullptr)
      return Reject(where, "unknown sensor \"" + sensor_id + "\" (not in the sensor list)");
  }
  r.sensor = SensorId(sensor_id);

  double time = 0;
  if (!RequiredNumber(j, "time", &time, &error)) return Reject(where, error);
  if (time <= 0) return Reject(where, "time " + Num(time) + " is out of range (Unix seconds > 0)");
  r.time = UnixTime(time);

  auto kind = j.find("kind");
  if (kind == j.end()) return Reject(where, "missing field \"kind\"");
  std::optional<ReportKind> k = kind->is_string() ? ParseReportKind(kind->get_ref<const std::string&>()) : std::nullopt;
  if (!k) return Reject(where, "field \"kind\" must be \"radar\", \"bearing\" or \"position\"");
  r.kind = *k;

  auto check_angles = [&]() -> Status {
    if (!RequiredNumber(j, "azimuth_deg", &r.azimuth_deg, &error)) return Reject(where, error);
    if (r.azimuth_deg < 0 || r.azimuth_deg > 360)
      return Reject(where, "azimuth_deg " + Num(r.azimuth_deg) + " is out of range [0, 360]");
    if (!OptionalNumber(j, "elevation_deg", &r.elevation_deg, &error)) return Reject(where, error);
    if (r.elevation_deg && (*r.elevation_deg < -90 || *r.elevation_deg > 90))
      return Reject(where, "elevation_deg " + Num(*r.elevation_deg) + " is out of range [-90, 90]");
    return Status::Ok();
  };

  switch (r.kind) {
    case ReportKind::kRadar: {
      if (desc != nullptr && desc->type != SensorType::kRadar)
        return Reject(where, "a radar plot from sensor \"" + sensor_id + "\", which is " +
                                 std::string(ToString(desc->type)) + ", not a radar");
      if (!RequiredNumber(j, "range_m", &r.range_m, &error)) return Reject(where, error);
      if (r.range_m < 0) return Reject(where, "range_m " + Num(r.range_m) + " is out of range (>= 0)");
      if (Status s = check_angles(); !s.ok()) return s;
      if (!OptionalNumber(j, "radial_velocity_mps", &r.radial_velocity_mps, &error)) return Reject(where, error);
      break;
    }
    case ReportKind::kBearing:
      if (Status s = check_angles(); !s.ok()) return s;
      break;
    case ReportKind::kPosition: {
      double lat = 0, lon = 0;
      if (!RequiredNumber(j, "lat", &lat, &error)) return Reject(where, error);
      if (!RequiredNumber(j, "lon", &lon, &error)) return Reject(where, error);
      if (!IsValidLatLon(lat, lon))
        return Reject(where, "lat/lon " + Num(lat) + ", " + Num(lon) + " is out of range [-90, 90] / [-180, 180]");
      r.position = LatLon{lat, lon};
      if (!OptionalNumber(j, "alt_m", &r.alt_m, &error)) return Reject(where, error);
      if (!RequiredNumber(j, "sigma_m", &r.sigma_m, &error)) return Reject(where, error);
      if (r.sigma_m <= 0) return Reject(where, "sigma_m " + Num(r.sigma_m) + " is out of range (> 0)");
      break;
    }
  }

  auto hint = j.find("class_hint");
  if (hint != j.end() && !hint->is_null()) {
    std::optional<ThreatCategory> c = hint->is_string() ? ParseThreatCategory(hint->get_ref<const std::string&>()) : std::nullopt;
    if (!c)
      return Reject(where, "class_hint must be one of drone, cruise_missile, ballistic_missile, rocket, aircraft, unknown");
    r.class_hint = c;
  }
  if (!OptionalNumber(j, "snr_db", &r.snr_db, &error)) return Reject(where, error);
  return r;
}

ReportReader::ReportReader(std::istream& in, const SensorIndex* sensors, std::string source_name)
    : in_(in), sensors_(sensors), source_name_(std::move(source_name)) {}

std::optional<Result<Report>> ReportReader::Next() {
  while (std::getline(in_, buffer_)) {
    ++line_;
    std::string_view view(buffer_);
    while (!view.empty() && (view.back() == '\r' || view.back() == ' ' || view.back() == '\t')) view.remove_suffix(1);
    std::size_t first = view.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;  // blank line
    Result<Report> r = ParseReportLine(view.substr(first), sensors_, source_name_ + ":" + std::to_string(line_));
    if (r.ok()) ++accepted_; else ++rejected_;
    return r;
  }
  return std::nullopt;
}

void AppendReportJson(const Report& r, std::string* out) {
  out->append("{\"sensor\":");
  AppendJsonString(out, r.sensor.str());
  out->append(",\"time\":");
  AppendJsonNumber(out, r.time.seconds(), 3);
  out->append(",\"kind\":\"");
  out->append(ToString(r.kind));
  out->push_back('"');
  switch (r.kind) {
    case ReportKind::kRadar:
      out->append(",\"range_m\":");
      AppendJsonNumber(out, r.range_m, 1);
      [[fallthrough]];
    case ReportKind::kBearing:
      out->append(",\"azimuth_deg\":");
      AppendJsonNumber(out, r.azimuth_deg, 4);
      if (r.elevation_deg) {
        out->append(",\"elevation_deg\":");
        AppendJsonNumber(out, *r.elevation_deg, 4);
      }
      if (r.kind == ReportKind::kRadar && r.radial_velocity_mps) {
        out->append(",\"radial_velocity_mps\":");
        AppendJsonNumber(out, *r.radial_velocity_mps, 2);
      }
      break;
    case ReportKind::kPosition:
      out->append(",\"lat\":");
      AppendJsonNumber(out, r.position.lat, 6);
      out->append(",\"lon\":");
      AppendJsonNumber(out, r.position.lon, 6);
      if (r.alt_m) {
        out->append(",\"alt_m\":");
        AppendJsonNumber(out, *r.alt_m, 1);
      }
      out->append(",\"sigma_m\":");
      AppendJsonNumber(out, r.sigma_m, 1);
      break;
  }
  if (r.class_hint) {
    out->append(",\"class_hint\":\"");
    out->append(ToString(*r.class_hint));
    out->push_back('"');
  }
  if (r.snr_db) {
    out->append(",\"snr_db\":");
    AppendJsonNumber(out, *r.snr_db, 1);
  }
  out->push_back('}');
}

std::string ReportToJsonLine(const Report& r) {
  std::string s;
  AppendReportJson(r, &s);
  s.push_back('\n');
  return s;
}

}  // namespace tocsin::ingest
