// Which SAPIENT node is which sensor. A SAPIENT node identifies itself by a UUID
// (SapientMessage.node_id); Tocsin's reports carry a SensorId from the sensor list.
// JSON form (e.g. a "sapient" section of the server config):
//
//   {"nodes": {"a8654cdf-4328-47de-81fa-c495589e30c9": {"sensor": "CAM-01", "default_sigma_m": 30}},
//    "default_sigma_m": 50}
//
// default_sigma_m: the 1-sigma horizontal error given to a position report whose
// location has no x_error/y_error (per node, else the top-level value, else 50 m).
// Node ids are matched case-insensitively (UUIDs). Thread-safety: immutable after
// construction, safe to share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/status.h"

namespace tocsin::ingest::sapient {

struct SapientNode {
  SensorId sensor;
  std::optional<double> default_sigma_m;
};

class SapientNodes {
 public:
  explicit SapientNodes(double default_sigma_m = 50.0) : default_sigma_m_(default_sigma_m) {}
  // REQUIRES: node.default_sigma_m, when set, > 0.
  void Add(std::string_view node_id, SapientNode node);
  // nullptr when the node is not configured.
  const SapientNode* Find(std::string_view node_id) const;
  double SigmaFor(const SapientNode& n) const { return n.default_sigma_m.value_or(default_sigma_m_); }
  std::size_t size() const { return nodes_.size(); }

 private:
  double default_sigma_m_;
  std::map<std::string, SapientNode, std::less<>> nodes_;  // key: lower-case node id
};

// Parses the JSON form above; `source` names it in error messages.
Result<SapientNodes> ParseSapientNodes(std::string_view json_text, const std::string& source);

}  // namespace tocsin::ingest::sapient
