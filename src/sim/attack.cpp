#include "sim/attack.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "ingest/sensor_json.h"
#include "sim/places.h"

namespace tocsin::sim {
namespace {

using nlohmann::json;

struct AttackError {
  std::string message;
};

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw AttackError{path + ": " + what};
}

class Parser {
 public:
  explicit Parser(const json& root) : root_(root) {
    if (auto it = root.find("places"); it != root.end()) {
      if (!it->is_object()) Fail("places", "must be an object {\"name\": [lat, lon], ...}");
      for (auto p = it->begin(); p != it->end(); ++p) places_[p.key()] = LatLonOf(p.value(), "places." + p.key());
    }
  }

  static double Number(const json& j, const std::string& path) {
    if (!j.is_number() || !std::isfinite(j.get<double>())) Fail(path, "must be a number");
    return j.get<double>();
  }
  static double Num(const json& obj, const char* key, const std::string& path, double fallback) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    return Number(*it, path + "." + key);
  }
  static std::optional<double> OptNum(const json& obj, const char* key, const std::string& path) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    return Number(*it, path + "." + key);
  }
  static std::string Str(const json& obj, const char* key, const std::string& path, const std::string& fallback) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    if (!it->is_string()) Fail(path + "." + key, "must be a string");
    return it->get<std::string>();
  }
  static std::optional<std::pair<double, double>> Range(const json& obj, const char* key, const std::string& path) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::string p = path + "." + key;
    if (!it->is_array() || it->size() != 2) Fail(p, "must be [low, high]");
    double lo = Number((*it)[0], p + "[0]"), hi = Number((*it)[1], p + "[1]");
    if (lo > hi) Fail(p, "low is above high");
    return std::make_pair(lo, hi);
  }
  static LatLon LatLonOf(const json& j, const std::string& path) {
    if (!j.is_array() || j.size() != 2) Fail(path, "must be [lat, lon]");
    LatLon p{Number(j[0], path + "[0]"), Number(j[1], path + "[1]")};
    if (!IsValidLatLon(p.lat, p.lon)) Fail(path, "lat/lon out of range");
    return p;
  }
  // A place: a name (the file's "places", then the built-in table) or [lat, lon].
  LatLon Place(const json& j, const std::string& path) const {
    if (j.is_array()) return LatLonOf(j, path);
    if (!j.is_string()) Fail(path, "must be a place name or [lat, lon]");
    const std::string name = j.get<std::string>();
    if (auto it = places_.find(name); it != places_.end()) return it->second;
    const auto& builtin = BuiltinPlaces();
    if (auto it = builtin.find(name); it != builtin.end()) return it->second;
    Fail(path, "unknown place \"" + name + "\"; add it to \"places\" as [lat, lon] or use a built-in name "
               "(docs/simulator.md lists them)");
  }
  std::vector<LatLon> Places(const json& obj, const char* key, const std::string& path) const {
    std::vector<LatLon> out;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return out;
    std::string p = path + "." + key;
    if (it->is_string()) return {Place(*it, p)};
    if (!it->is_array()) Fail(p, "must be a list of places");
    for (std::size_t i = 0; i < it->size(); ++i) out.push_back(Place((*it)[i], p + "[" + std::to_string(i) + "]"));
    return out;
  }

  AcousticGridSpec Grid(const json& j, const std::string& path) const {
    AcousticGridSpec g;
    g.id_prefix = Str(j, "id_prefix", path, "AC-");
    auto bbox = j.find("bbox");
    if (bbox == j.end() || !bbox->is_array() || bbox->size() != 4)
      Fail(path + ".bbox", "must be [lat_min, lon_min, lat_max, lon_max]");
    g.lat_min = Number((*bbox)[0], path + ".bbox[0]");
    g.lon_min = Number((*bbox)[1], path + ".bbox[1]");
    g.lat_max = Number((*bbox)[2], path + ".bbox[2]");
    g.lon_max = Number((*bbox)[3], path + ".bbox[3]");
    if (g.lat_min >= g.lat_max || g.lon_min >= g.lon_max) Fail(path + ".bbox", "min must be below max");
    g.spacing_km = Num(j, "spacing_km", path, 8);
    if (g.spacing_km < 0.5) Fail(path + ".spacing_km", "must be >= 0.5");
    {
      double rows = (g.lat_max - g.lat_min) * 111.195 / g.spacing_km + 1;
      double cols = (g.lon_max - g.lon_min) * 111.195 * std::cos(0.5 * (g.lat_min + g.lat_max) * M_PI / 180) / g.spacing_km + 1;
      if (rows * cols > 200000)
        Fail(path, "would lay about " + std::to_string(static_cast<long>(rows * cols)) +
                       " sensors (limit 200,000); widen spacing_km or shrink bbox");
    }
    g.jitter_km = Num(j, "jitter_km", path, 1);
    g.class_confusion = Num(j, "class_confusion", path, 0.15);
    if (g.class_confusion < 0 || g.class_confusion > 1) Fail(path + ".class_confusion", "must be in [0, 1]");
    ingest::SensorDescription& m = g.model;
    m.type = ingest::SensorType::kAcoustic;
    m.alt_m = Num(j, "alt_m", path, 150);
    m.sigma.azimuth_deg = Num(j, "sigma_azimuth_deg", path, 6);
    if (auto el = OptNum(j, "sigma_elevation_deg", path)) m.sigma.elevation_deg = el;
    m.max_range_m = Num(j, "max_range_m", path, 4000);
    m.period_s = Num(j, "period_s", path, 3);
    m.p_detect = Num(j, "p_detect", path, 0.7);
    m.false_per_scan = Num(j, "false_per_scan", path, 0.0005);
    if (m.max_range_m <= 0 || m.period_s <= 0 || m.p_detect < 0 || m.p_detect > 1 || m.false_per_scan < 0)
      Fail(path, "needs max_range_m > 0, period_s > 0, p_detect in [0, 1], false_per_scan >= 0");
    return g;
  }

  ThreatGroup Group(const json& j, const std::string& path) const {
    if (!j.is_object()) Fail(path, "must be an object");
    ThreatGroup g;
    g.name = Str(j, "name", path, path);
    g.model = Str(j, "model", path, "");
    if (g.model.empty()) Fail(path + ".model", "is missing (a model_key of data/threats/weapon-profiles.csv)");
    double count = Num(j, "count", path, 1);
    if (count < 0 || count > 100000 || count != std::floor(count)) Fail(path + ".count", "must be an integer in [0, 100000]");
    g.count = static_cast<int>(count);
    g.id_prefix = Str(j, "id_prefix", path, "");

    auto launch = j.find("launch");
    if (launch == j.end() || !launch->is_object()) Fail(path + ".launch", "is missing (an object with \"sites\")");
    std::string lp = path + ".launch";
    g.sites = Places(*launch, "sites", lp);
    if (g.sites.empty()) Fail(lp + ".sites", "needs at least one place");
    g.launch_radius_km = Num(*launch, "radius_km", lp, 5);
    if (auto w = Range(*launch, "window_s", lp)) std::tie(g.window_start_s, g.window_end_s) = *w;
    double waves = Num(*launch, "waves", lp, 1);
    if (waves < 1 || waves != std::floor(waves)) Fail(lp + ".waves", "must be an integer >= 1");
    g.waves = static_cast<int>(waves);
    g.wave_spread_s = Num(*launch, "wave_spread_s", lp, 120);
    g.launch_alt_m = Num(*launch, "alt_m", lp, 0);

    auto targets = j.find("targets");
    if (targets == j.end() || !targets->is_array() || targets->empty())
      Fail(path + ".targets", "is missing (a list of places or {\"place\", \"weight\", \"radius_km\"})");
    for (std::size_t i = 0; i < targets->size(); ++i) {
      const json& t = (*targets)[i];
      std::string tp = path + ".targets[" + std::to_string(i) + "]";
      TargetSpec spec;
      if (t.is_object()) {
        auto place = t.find("place");
        if (place == t.end()) Fail(tp + ".place", "is missing");
        spec.place = Place(*place, tp + ".place");
        spec.name = place->is_string() ? place->get<std::string>() : "";
        spec.weight = Num(t, "weight", tp, 1);
        spec.radius_km = Num(t, "radius_km", tp, 3);
        if (spec.weight < 0) Fail(tp + ".weight", "must be >= 0");
      } else {
        spec.place = Place(t, tp);
        spec.name = t.is_string() ? t.get<std::string>() : "";
      }
      g.targets.push_back(spec);
    }

    if (auto route = j.find("route"); route != j.end() && !route->is_null()) {
      std::string rp = path + ".route";
      if (!route->is_object()) Fail(rp, "must be an object");
      g.via = Places(*route, "via", rp);
      g.via_jitter_km = Num(*route, "via_jitter_km", rp, 10);
      double turns = Num(*route, "turns", rp, 0);
      if (turns < 0 || turns > 20 || turns != std::floor(turns)) Fail(rp + ".turns", "must be an integer in [0, 20]");
      g.turns = static_cast<int>(turns);
      g.max_offset_km = Num(*route, "max_offset_km", rp, 30);
      if (auto avoid = route->find("avoid"); avoid != route->end()) {
        if (!avoid->is_array()) Fail(rp + ".avoid", "must be a list of {\"place\", \"radius_km\"}");
        for (std::size_t i = 0; i < avoid->size(); ++i) {
          std::string ap = rp + ".avoid[" + std::to_string(i) + "]";
          const json& a = (*avoid)[i];
          if (!a.is_object() || !a.contains("place")) Fail(ap, "must be {\"place\": ..., \"radius_km\": ...}");
          g.avoid.push_back({Place(a["place"], ap + ".place"), Num(a, "radius_km", ap, 20)});
        }
      }
    }
    g.speed_mps = Range(j, "speed_mps", path);
    g.altitude_m = Range(j, "altitude_m", path);
    g.apogee_km = OptNum(j, "apogee_km", path);
    g.burn_s = OptNum(j, "burn_s", path);
    g.truth_step_s = OptNum(j, "truth_step_s", path);
    if (g.truth_step_s && (*g.truth_step_s < 0.1 || *g.truth_step_s > 10)) Fail(path + ".truth_step_s", "must be in [0.1, 10]");
    if (g.burn_s && (*g.burn_s < 0.5 || *g.burn_s > 300)) Fail(path + ".burn_s", "must be in [0.5, 300]");
    g.destroyed_share = Num(j, "destroyed_share", path, 0);
    if (g.destroyed_share < 0 || g.destroyed_share > 1) Fail(path + ".destroyed_share", "must be in [0, 1]");
    return g;
  }

 private:
  const json& root_;
  std::map<std::string, LatLon> places_;
};

}  // namespace

Result<AttackDescription> ParseAttack(const std::string& text, const std::string& source_name) {
  json root;
  try {
    root = json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    int line = 1;
    for (std::size_t i = 0; i < text.size() && i < e.byte; ++i) line += text[i] == '\n';
    return Status::Error(source_name + ":" + std::to_string(line) + ": not valid JSON (" + e.what() + "); fix the file");
  }
  if (!root.is_object()) return Status::Error(source_name + ": an attack file is a JSON object (docs/simulator.md)");
  try {
    Parser p(root);
    AttackDescription a;
    a.name = Parser::Str(root, "name", "", "attack");
    a.description = Parser::Str(root, "description", "", "");
    auto epoch = root.find("epoch");
    if (epoch == root.end()) Fail("epoch", "is missing (Unix seconds of the scenario start)");
    a.epoch = Parser::Number(*epoch, "epoch");
    a.zones = Parser::Str(root, "zones", "", "ua-hromadas");
    a.weapon_profiles = Parser::Str(root, "weapon_profiles", "", "");
    a.max_latency_s = Parser::Num(root, "max_latency_s", "", 3);
    if (a.max_latency_s < 0 || a.max_latency_s > 60) Fail("max_latency_s", "must be in [0, 60]");
    a.tail_s = Parser::Num(root, "tail_s", "", 600);

    auto sensors = root.find("sensors");
    if (sensors == root.end() || !sensors->is_array()) Fail("sensors", "is missing (a list of sensors and generators)");
    json explicit_sensors = json::array();
    for (std::size_t i = 0; i < sensors->size(); ++i) {
      const json& s = (*sensors)[i];
      std::string sp = "sensors[" + std::to_string(i) + "]";
      if (!s.is_object()) Fail(sp, "must be an object");
      if (s.contains("generator")) {
        std::string gen = Parser::Str(s, "generator", sp, "");
        if (gen != "acoustic_grid") Fail(sp + ".generator", "unknown generator \"" + gen + "\" (known: acoustic_grid)");
        a.acoustic_grids.push_back(p.Grid(s, sp));
      } else {
        explicit_sensors.push_back(s);
        double c = Parser::Num(s, "class_confusion", sp, 0.15);
        if (c < 0 || c > 1) Fail(sp + ".class_confusion", "must be in [0, 1]");
        a.sensor_class_confusion.push_back(c);
      }
    }
    Result<ingest::SensorList> list = ingest::ParseSensorList(explicit_sensors.dump(), source_name + " (explicit sensors, counted without generators)");
    if (!list.ok()) return list.status();
    a.sensors = std::move(list->sensors);

    auto threats = root.find("threats");
    if (threats == root.end() || !threats->is_array()) Fail("threats", "is missing (a list of threat groups)");
    for (std::size_t i = 0; i < threats->size(); ++i)
      a.groups.push_back(p.Group((*threats)[i], "threats[" + std::to_string(i) + "]"));
    return a;
  } catch (const AttackError& e) {
    return Status::Error(source_name + ": " + e.message + "; see docs/simulator.md");
  } catch (const json::exception& e) {
    return Status::Error(source_name + ": " + e.what() + "; see docs/simulator.md");
  }
}

}  // namespace tocsin::sim
