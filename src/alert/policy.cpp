#include "alert/policy.h"

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tocsin::alert {
namespace {

using nlohmann::json;

// One numeric setting: its key, range, and where it lives in a CategoryPolicy.
struct NumberKey {
  std::string_view key;
  double min;
  bool min_exclusive;
  double max;
  std::string_view unit;  // for messages
  std::function<void(CategoryPolicy&, double)> set;
};

const std::vector<NumberKey>& TopLevelNumberKeys() {
  static const std::vector<NumberKey> keys = {
      {"lead_margin_s", 0, false, 3600, "seconds", [](CategoryPolicy& p, double v) { p.lead_margin = Seconds(v); }},
      {"hold_s", 0, false, 3600, "seconds", [](CategoryPolicy& p, double v) { p.hold = Seconds(v); }},
      {"min_confidence", 0, false, 1, "a confidence", [](CategoryPolicy& p, double v) { p.min_confidence = v; }},
      {"prealert_horizon_s", 0, false, 7200, "seconds", [](CategoryPolicy& p, double v) { p.prealert_horizon = Seconds(v); }},
      {"prealert_min_confidence", 0, false, 1, "a confidence", [](CategoryPolicy& p, double v) { p.prealert_min_confidence = v; }},
      {"destroyed_hold_s", 0, false, 3600, "seconds", [](CategoryPolicy& p, double v) { p.destroyed_hold = Seconds(v); }},
      {"lost_coast_s", 0, false, 3600, "seconds", [](CategoryPolicy& p, double v) { p.lost_coast = Seconds(v); }},
  };
  return keys;
}

const std::vector<NumberKey>& FailsafeNumberKeys() {
  static const std::vector<NumberKey> keys = {
      {"max_uncertainty_m", 0, true, 1e6, "metres", [](CategoryPolicy& p, double v) { p.max_uncertainty = Metres(v); }},
  };
  return keys;
}

std::string FormatNumber(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string KnownKeys(const std::vector<NumberKey>& keys, std::initializer_list<std::string_view> more) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + std::string(k.key);
  for (auto m : more) out += ", " + std::string(m);
  return out;
}

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  void Problem(const std::string& path, const std::string& reason) {
    problems_.push_back(source_ + ": " + (path.empty() ? std::string("(top level)") : path) + ": " + reason);
  }
  const std::vector<std::string>& problems() const { return problems_; }

  // Applies the settings of `obj` (at key path `path`) to `into`.
  void ApplySettings(const json& obj, const std::string& path, bool top_level, CategoryPolicy& into) {
    if (!obj.is_object()) {
      Problem(path, std::string("must be a JSON object, got ") + obj.type_name());
      return;
    }
    for (const auto& [key, value] : obj.items()) {
      const std::string kpath = path.empty() ? key : path + "." + key;
      if (const NumberKey* nk = Find(TopLevelNumberKeys(), key)) {
        ApplyNumber(*nk, value, kpath, into);
      } else if (key == "failsafe") {
        ApplyFailsafe(value, kpath, into);
      } else if (key == "categories" && top_level) {
        // handled by the caller after the top-level settings
      } else if (key == "$comment" || key == "_comment") {
        if (!value.is_string()) Problem(kpath, "a comment must be a string");
      } else {
        Problem(kpath, "unknown key; known keys here: " +
                           KnownKeys(TopLevelNumberKeys(),
                                     top_level ? std::initializer_list<std::string_view>{"failsafe", "categories", "$comment"}
                                               : std::initializer_list<std::string_view>{"failsafe", "$comment"}) +
                           " (fix the spelling or remove it)");
      }
    }
  }

 private:
  static const NumberKey* Find(const std::vector<NumberKey>& keys, const std::string& key) {
    for (const auto& k : keys)
      if (k.key == key) return &k;
    return nullptr;
  }

  void ApplyNumber(const NumberKey& nk, const json& value, const std::string& kpath, CategoryPolicy& into) {
    if (!value.is_number()) {
      Problem(kpath, std::string("must be a number (") + std::string(nk.unit) + "), got " + value.type_name());
      return;
    }
    const double v = value.get<double>();
    const bool below = nk.min_exclusive ? !(v > nk.min) : !(v >= nk.min);
    if (!std::isfinite(v) || below || !(v <= nk.max)) {
      Problem(kpath, "must be " + std::string(nk.unit) + " in " + (nk.min_exclusive ? "(" : "[") +
                         FormatNumber(nk.min) + ", " + FormatNumber(nk.max) + "], got " + FormatNumber(v));
      return;
    }
    nk.set(into, v);
  }

  void ApplyFailsafe(const json& value, const std::string& kpath, CategoryPolicy& into) {
    if (!value.is_object()) {
      Problem(kpath, std::string("must be a JSON object, got ") + value.type_name());
      return;
    }
    for (const auto& [key, v] : value.items()) {
      const std::string path = kpath + "." + key;
      if (const NumberKey* nk = Find(FailsafeNumberKeys(), key)) {
        ApplyNumber(*nk, v, path, into);
      } else {
        Problem(path, "unknown key; known keys here: " + KnownKeys(FailsafeNumberKeys(), {}) +
                          " (fix the spelling or remove it)");
      }
    }
  }

  std::string source_;
  std::vector<std::string> problems_;
};

}  // namespace

Policy Policy::Defaults() {
  CategoryPolicy base;  // the member initialisers are the documented defaults
  Policy p;
  p.categories.fill(base);
  // Lost air-breathing tracks coast on the predictor's dead-reckoning danger, whose
  // windows bound it (PredictorConfig::lost_reach_*); this is only the cap.
  for (ThreatCategory c : {ThreatCategory::kDrone, ThreatCategory::kCruiseMissile})
    p.categories[CategoryIndex(c)].lost_coast = Seconds(900);
  auto& drone = p.categories[CategoryIndex(ThreatCategory::kDrone)];
  drone.hold = Seconds(120);
  drone.prealert_horizon = Seconds(900);
  auto& ballistic = p.categories[CategoryIndex(ThreatCategory::kBallisticMissile)];
  ballistic.min_confidence = 0.3;
  ballistic.max_uncertainty = Metres(30000);
  auto& rocket = p.categories[CategoryIndex(ThreatCategory::kRocket)];
  rocket.min_confidence = 0.3;
  rocket.lost_coast = Seconds(30);
  return p;
}

Result<Policy> ParsePolicy(const std::string& json_text, const std::string& source_name) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return Status::Error(source_name + ": not valid JSON: " + e.what() +
                         " (fix the syntax; see docs/policy.md for the layout)");
  }
  Parser parser(source_name);
  if (!doc.is_object()) {
    parser.Problem("", std::string("the policy must be a JSON object, got ") + doc.type_name());
    return Status::Error(parser.problems().front());
  }

  // Keys missing from the file take the base defaults (CategoryPolicy's initialisers);
  // top-level settings apply to every category, then "categories" overrides them.
  CategoryPolicy base;
  parser.ApplySettings(doc, "", /*top_level=*/true, base);
  Policy policy;
  policy.categories.fill(base);
  if (auto it = doc.find("categories"); it != doc.end()) {
    if (!it->is_object()) {
      parser.Problem("categories", std::string("must be a JSON object keyed by category, got ") + it->type_name());
    } else {
      for (const auto& [name, settings] : it->items()) {
        auto cat = ParseThreatCategory(name);
        if (!cat) {
          parser.Problem("categories." + name,
                         "unknown category; known: drone, cruise_missile, ballistic_missile, rocket, "
                         "aircraft, unknown");
          continue;
        }
        parser.ApplySettings(settings, "categories." + name, /*top_level=*/false,
                             policy.categories[CategoryIndex(*cat)]);
      }
    }
  }

  if (!parser.problems().empty()) {
    std::string msg;
    for (const auto& p : parser.problems()) msg += (msg.empty() ? "" : "\n") + p;
    return Status::Error(msg);
  }
  return policy;
}

Result<Policy> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open the policy file (check the path and permissions)");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(path + ": read error");
  return ParsePolicy(ss.str(), path);
}

}  // namespace tocsin::alert
