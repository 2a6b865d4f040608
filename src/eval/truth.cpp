#include "eval/truth.h"

#include <cmath>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "eval/text_file.h"

namespace tocsin::eval {
namespace {

using nlohmann::json;

// Where a problem is: "SOURCE: threat I (id X)".
std::string ThreatWhere(const std::string& source, std::size_t index, const std::string& id) {
  std::string w = source + ": threat " + std::to_string(index);
  if (!id.empty()) w += " (id " + id + ")";
  return w;
}

Result<TruthThreat> ParseThreat(const json& j, std::size_t index, const std::string& source) {
  TruthThreat t;
  if (!j.is_object()) {
    return Status::Error(ThreatWhere(source, index, "") + ": is not a JSON object");
  }
  auto id = j.find("id");
  if (id == j.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) {
    return Status::Error(ThreatWhere(source, index, "") + ": \"id\" must be a non-empty string");
  }
  t.id = id->get<std::string>();
  const std::string where = ThreatWhere(source, index, t.id);

  auto kind = j.find("kind");
  std::optional<ThreatCategory> category;
  if (kind != j.end() && kind->is_string()) category = ParseThreatCategory(kind->get<std::string>());
  if (!category || *category == ThreatCategory::kUnknown) {
    return Status::Error(where + ": \"kind\" must be one of drone, cruise_missile, "
                                 "ballistic_missile, rocket, aircraft");
  }
  t.kind = *category;

  auto model = j.find("model");
  if (model != j.end() && !model->is_null()) {
    if (!model->is_string()) return Status::Error(where + ": \"model\" must be a string");
    t.model = model->get<std::string>();
  }

  auto end = j.find("end");
  if (end == j.end() || !end->is_string() ||
      (*end != "impact" && *end != "destroyed")) {
    return Status::Error(where + ": \"end\" must be \"impact\" or \"destroyed\"");
  }
  t.end = *end == "impact" ? FlightEnd::kImpact : FlightEnd::kDestroyed;

  auto seen = j.find("first_seen");
  if (seen == j.end()) {
    return Status::Error(where + ": \"first_seen\" is missing (use null when never reported)");
  }
  if (!seen->is_null()) {
    if (!seen->is_number() || !std::isfinite(seen->get<double>())) {
      return Status::Error(where + ": \"first_seen\" must be a number or null");
    }
    t.first_seen = seen->get<double>();
  }

  auto points = j.find("points");
  if (points == j.end() || !points->is_array() || points->empty()) {
    return Status::Error(where + ": \"points\" must be a non-empty array of [time, lat, lon, alt]");
  }
  t.points.reserve(points->size());
  for (std::size_t i = 0; i < points->size(); ++i) {
    const json& p = (*points)[i];
    const std::string pwhere = where + ": point " + std::to_string(i);
    if (!p.is_array() || p.size() != 4) {
      return Status::Error(pwhere + ": must be an array [time, lat, lon, alt_m]");
    }
    double v[4];
    for (int k = 0; k < 4; ++k) {
      if (!p[k].is_number() || !std::isfinite(p[k].get<double>())) {
        return Status::Error(pwhere + ": element " + std::to_string(k) + " is not a finite number");
      }
      v[k] = p[k].get<double>();
    }
    if (!IsValidLatLon(v[1], v[2])) {
      return Status::Error(pwhere + ": lat " + FormatNumber(v[1]) + ", lon " + FormatNumber(v[2]) +
                           " out of range (lat in [-90, 90], lon in [-180, 180])");
    }
    if (!t.points.empty() && v[0] < t.points.back().time) {
      return Status::Error(pwhere + ": time " + FormatNumber(v[0]) + " is before the previous point's " +
                           FormatNumber(t.points.back().time) + "; points must be time-ordered");
    }
    t.points.push_back({v[0], {v[1], v[2]}, v[3]});
  }
  return t;
}

}  // namespace

std::optional<double> Truth::LastTime() const {
  std::optional<double> last;
  for (const auto& t : threats) {
    if (!last || t.points.back().time > *last) last = t.points.back().time;
  }
  return last;
}

Result<Truth> ParseTruth(const std::string& text, const std::string& source_name) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::Error(source_name + ": line " + std::to_string(LineOfByte(text, e.byte)) +
                         ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) return Status::Error(source_name + ": top level must be a JSON object");
  Truth truth;
  auto name = j.find("name");
  if (name != j.end() && !name->is_null()) {
    if (!name->is_string()) return Status::Error(source_name + ": \"name\" must be a string");
    truth.name = name->get<std::string>();
  }
  auto epoch = j.find("epoch");
  if (epoch != j.end() && !epoch->is_null()) {
    if (!epoch->is_number()) return Status::Error(source_name + ": \"epoch\" must be a number");
    truth.epoch = epoch->get<double>();
  }
  auto zones = j.find("zones");
  if (zones != j.end() && !zones->is_null()) {
    if (!zones->is_string()) {
      return Status::Error(source_name + ": \"zones\" must be a catalog name or path (string)");
    }
    truth.zones = zones->get<std::string>();
  }
  auto threats = j.find("threats");
  if (threats == j.end() || !threats->is_array()) {
    return Status::Error(source_name + ": \"threats\" must be an array");
  }
  truth.threats.reserve(threats->size());
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < threats->size(); ++i) {
    auto threat = ParseThreat((*threats)[i], i, source_name);
    if (!threat.ok()) return threat.status();
    if (!ids.insert(threat->id).second) {
      return Status::Error(ThreatWhere(source_name, i, threat->id) +
                           ": id is used by an earlier threat; ids must be unique");
    }
    truth.threats.push_back(std::move(threat).value());
  }
  return truth;
}

Result<Truth> ReadTruthFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseTruth(*text, path);
}

}  // namespace tocsin::eval
