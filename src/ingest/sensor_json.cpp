#include "ingest/sensor_json.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ingest/json_text.h"

namespace tocsin::ingest {
namespace {

using nlohmann::json;

int LineOfByte(const std::string& text, std::size_t byte) {
  int line = 1;
  for (std::size_t i = 0; i < text.size() && i < byte; ++i)
    if (text[i] == '\n') ++line;
  return line;
}

class SensorParser {
 public:
  SensorParser(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  // Optional number field; error when present but not a finite number.
  Status Number(const json& obj, const char* key, std::optional<double>* out, const char* ctx = "") {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return Status::Ok();
    if (!it->is_number() || !std::isfinite(it->get<double>()))
      return Error(std::string(ctx) + key, "must be a finite number");
    *out = it->get<double>();
    return Status::Ok();
  }
  Status Required(const char* key, double* out, double lo, double hi, const char* range_text) {
    std::optional<double> v;
    if (Status s = Number(j_, key, &v); !s.ok()) return s;
    if (!v) return Error(key, "is missing");
    if (*v < lo || *v > hi) return Error(key, "= " + Text(*v) + " is out of range " + range_text);
    *out = *v;
    return Status::Ok();
  }
  Status Error(const std::string& field, const std::string& what) const {
    return Status::Error(where_ + ": field \"" + field + "\" " + what + "; fix the sensor list");
  }
  static std::string Text(double v) {
    std::string s;
    AppendJsonNumber(&s, v, 6);
    return s;
  }

  Result<SensorDescription> Parse() {
    SensorDescription s;
    auto id = j_.find("id");
    if (id == j_.end()) return Error("id", "is missing");
    if (!id->is_string() || id->get<std::string>().empty()) return Error("id", "must be a non-empty string");
    s.id = SensorId(id->get<std::string>());
    where_ += " (id \"" + s.id.str() + "\")";
    auto type = j_.find("type");
    if (type == j_.end()) return Error("type", "is missing");
    std::optional<SensorType> t = type->is_string() ? ParseSensorType(type->get<std::string>()) : std::nullopt;
    if (!t) return Error("type", "must be \"radar\", \"acoustic\" or \"observer\"");
    s.type = *t;

    std::optional<double> lat, lon, alt;
    if (Status st = Number(j_, "lat", &lat); !st.ok()) return st;
    if (Status st = Number(j_, "lon", &lon); !st.ok()) return st;
    if (Status st = Number(j_, "alt_m", &alt); !st.ok()) return st;
    if (lat.has_value() != lon.has_value()) return Error(lat ? "lon" : "lat", "is missing (lat and lon go together)");
    if (!lat && s.type != SensorType::kObserver) return Error("lat", "is missing (radar and acoustic sensors need a position)");
    if (lat) {
      if (!IsValidLatLon(*lat, *lon)) return Error("lat/lon", "is out of range [-90, 90] / [-180, 180]");
      s.position = LatLon{*lat, *lon};
    }
    s.alt_m = alt.value_or(0.0);

    auto sigma = j_.find("sigma");
    if (sigma == j_.end()) return Error("sigma", "is missing");
    if (!sigma->is_object()) return Error("sigma", "must be an object of 1-sigma errors");
    struct Field { const char* key; std::optional<double>* out; };
    for (Field f : {Field{"range_m", &s.sigma.range_m}, Field{"azimuth_deg", &s.sigma.azimuth_deg},
                    Field{"elevation_deg", &s.sigma.elevation_deg},
                    Field{"radial_velocity_mps", &s.sigma.radial_velocity_mps},
                    Field{"position_m", &s.sigma.position_m}}) {
      if (Status st = Number(*sigma, f.key, f.out, "sigma."); !st.ok()) return st;
      if (*f.out && **f.out < 0) return Error(std::string("sigma.") + f.key, "must not be negative");
    }
    switch (s.type) {
      case SensorType::kRadar:
        if (!s.sigma.range_m) return Error("sigma.range_m", "is missing (a radar measures range)");
        if (!s.sigma.azimuth_deg) return Error("sigma.azimuth_deg", "is missing (a radar measures azimuth)");
        break;
      case SensorType::kAcoustic:
        if (!s.sigma.azimuth_deg) return Error("sigma.azimuth_deg", "is missing (an acoustic sensor measures bearing)");
        break;
      case SensorType::kObserver:
        if (!s.sigma.position_m) return Error("sigma.position_m", "is missing (an observer reports positions)");
        break;
    }

    if (Status st = Required("max_range_m", &s.max_range_m, 0, 1e8, "[0, 1e8]"); !st.ok()) return st;
    if (s.type != SensorType::kObserver && s.max_range_m <= 0)
      return Error("max_range_m", "must be > 0 for a radar or acoustic sensor");
    if (Status st = Required("period_s", &s.period_s, 1e-3, 1e6, "(0, 1e6]"); !st.ok()) return st;
    if (Status st = Required("p_detect", &s.p_detect, 0, 1, "[0, 1]"); !st.ok()) return st;
    if (Status st = Required("false_per_scan", &s.false_per_scan, 0, 1e6, "[0, 1e6]"); !st.ok()) return st;
    std::optional<double> min_el;
    if (Status st = Number(j_, "min_elevation_deg", &min_el); !st.ok()) return st;
    if (min_el && (*min_el < -90 || *min_el > 90)) return Error("min_elevation_deg", "is out of range [-90, 90]");
    s.min_elevation_deg = min_el.value_or(0.0);
    return s;
  }

 private:
  const json& j_;
  std::string where_;
};

}  // namespace

Result<SensorList> ParseSensorList(const std::string& text, const std::string& source_name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::Error(source_name + ":" + std::to_string(LineOfByte(text, e.byte)) +
                         ": not valid JSON (" + e.what() + "); fix the file");
  }
  SensorList list;
  const json* arr = &doc;
  if (doc.is_object()) {
    auto epoch = doc.find("epoch");
    if (epoch != doc.end() && !epoch->is_null()) {
      if (!epoch->is_number() || !std::isfinite(epoch->get<double>()))
        return Status::Error(source_name + ": \"epoch\" must be a number (Unix s); fix the file");
      list.epoch = epoch->get<double>();
    }
    auto sensors = doc.find("sensors");
    if (sensors == doc.end())
      return Status::Error(source_name + ": no \"sensors\" array; expected {\"epoch\": T0, \"sensors\": [...]} or a bare array");
    arr = &*sensors;
  }
  if (!arr->is_array())
    return Status::Error(source_name + ": the sensors must be a JSON array; expected {\"epoch\": T0, \"sensors\": [...]} or a bare array");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const json& j = (*arr)[i];
    std::string where = source_name + ": sensor " + std::to_string(i);
    if (!j.is_object()) return Status::Error(where + " is not a JSON object; fix the sensor list");
    Result<SensorDescription> s = SensorParser(j, where).Parse();
    if (!s.ok()) return s.status();
    if (!ids.insert(s->id.str()).second)
      return Status::Error(where + ": id \"" + s->id.str() + "\" is used twice; sensor ids must be unique");
    list.sensors.push_back(std::move(s).value());
  }
  return list;
}

Result<SensorList> ReadSensorListFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open the sensor list; check the path");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(path + ": read error");
  return ParseSensorList(ss.str(), path);
}

std::string SensorToJson(const SensorDescription& s) {
  std::string o = "{\"id\": ";
  AppendJsonString(&o, s.id.str());
  o += ", \"type\": \"";
  o += ToString(s.type);
  o += "\"";
  auto field = [&o](const char* key, double v, int decimals) {
    o += ", \"";
    o += key;
    o += "\": ";
    AppendJsonNumber(&o, v, decimals);
  };
  if (s.position) {
    field("lat", s.position->lat, 6);
    field("lon", s.position->lon, 6);
    field("alt_m", s.alt_m, 2);
  }
  o += ", \"sigma\": {";
  bool first = true;
  auto sigma = [&](const char* key, const std::optional<double>& v) {
    if (!v) return;
    if (!first) o += ", ";
    first = false;
    o += "\"";
    o += key;
    o += "\": ";
    AppendJsonNumber(&o, *v, 6);
  };
  sigma("range_m", s.sigma.range_m);
  sigma("azimuth_deg", s.sigma.azimuth_deg);
  sigma("elevation_deg", s.sigma.elevation_deg);
  sigma("radial_velocity_mps", s.sigma.radial_velocity_mps);
  sigma("position_m", s.sigma.position_m);
  o += "}";
  field("max_range_m", s.max_range_m, 3);
  if (s.type == SensorType::kRadar) field("min_elevation_deg", s.min_elevation_deg, 6);
  field("period_s", s.period_s, 6);
  field("p_detect", s.p_detect, 6);
  field("false_per_scan", s.false_per_scan, 6);
  o += "}";
  return o;
}

void WriteSensorList(const SensorList& list, std::ostream& out) {
  std::string o;
  if (list.epoch) {
    o = "{\"epoch\": ";
    AppendJsonNumber(&o, *list.epoch, 3);
    o += ", \"sensors\": [";
  } else {
    o = "[";
  }
  for (std::size_t i = 0; i < list.sensors.size(); ++i) {
    o += i == 0 ? "\n  " : ",\n  ";
    o += SensorToJson(list.sensors[i]);
  }
  o += list.epoch ? "\n]}\n" : "\n]\n";
  out << o;
}

}  // namespace tocsin::ingest
