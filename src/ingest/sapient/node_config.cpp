#include "ingest/sapient/node_config.h"

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

namespace tocsin::ingest::sapient {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void SapientNodes::Add(std::string_view node_id, SapientNode node) { nodes_[Lower(node_id)] = std::move(node); }

const SapientNode* SapientNodes::Find(std::string_view node_id) const {
  auto it = nodes_.find(Lower(node_id));
  return it == nodes_.end() ? nullptr : &it->second;
}

Result<SapientNodes> ParseSapientNodes(std::string_view text, const std::string& source) {
  using nlohmann::json;
  const std::string fix = "; expected {\"nodes\":{\"<node uuid>\":{\"sensor\":\"<sensor id>\"}}}";
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return Status::Error(source + ": malformed JSON (" + e.what() + ")" + fix);
  }
  if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_object())
    return Status::Error(source + ": no \"nodes\" object" + fix);
  auto positive = [](const json& v) { return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0; };
  double sigma = 50.0;
  if (j.contains("default_sigma_m")) {
    if (!positive(j["default_sigma_m"])) return Status::Error(source + ": default_sigma_m must be a number > 0 (metres)");
    sigma = j["default_sigma_m"].get<double>();
  }
  SapientNodes nodes(sigma);
  for (const auto& [id, entry] : j["nodes"].items()) {
    const std::string where = source + ": node \"" + id + "\"";
    if (!entry.is_object() || !entry.contains("sensor") || !entry["sensor"].is_string() ||
        entry["sensor"].get<std::string>().empty())
      return Status::Error(where + ": missing string field \"sensor\" (the sensor id its reports carry)" + fix);
    SapientNode n{SensorId(entry["sensor"].get<std::string>()), std::nullopt};
    if (entry.contains("default_sigma_m")) {
      if (!positive(entry["default_sigma_m"])) return Status::Error(where + ": default_sigma_m must be a number > 0 (metres)");
      n.default_sigma_m = entry["default_sigma_m"].get<double>();
    }
    nodes.Add(id, std::move(n));
  }
  return nodes;
}

}  // namespace tocsin::ingest::sapient
