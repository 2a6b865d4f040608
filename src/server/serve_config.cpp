#include "server/serve_config.h"

#include <fstream>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tocsin::server {
namespace {

using nlohmann::json;

// Reads one key of a JSON object into `out`, with the key's path in errors.
class Reader {
 public:
  Reader(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  template <typename T>
  void Get(const char* key, T& out) {
    seen_.push_back(key);
    if (!error_.empty() || !obj_.contains(key)) return;
    try {
      out = obj_.at(key).get<T>();
    } catch (const json::exception&) {
      error_ = where_ + key + ": wrong type (" + std::string(obj_.at(key).type_name()) + "); see docs/serve.md";
    }
  }
  // Rejects keys not read (typos must not silently fall back to defaults).
  Status Finish() const {
    if (!error_.empty()) return Status::Error(error_);
    for (const auto& [k, v] : obj_.items())
      if (std::find(seen_.begin(), seen_.end(), k) == seen_.end())
        return Status::Error(where_ + k + ": unknown key; see docs/serve.md for the keys");
    return Status::Ok();
  }
  const json& obj() const { return obj_; }

 private:
  const json& obj_;
  std::string where_;
  std::vector<std::string> seen_;
  std::string error_;
};

Status Section(const json& root, const char* name, const std::string& source,
               const std::function<void(Reader&)>& read) {
  if (!root.contains(name)) return Status::Ok();
  if (!root.at(name).is_object()) return Status::Error(source + ": \"" + name + "\" must be an object");
  Reader r(root.at(name), source + ": " + name + ".");
  read(r);
  return r.Finish();
}

}  // namespace

Result<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source, ServeConfig c) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return Status::Error(source + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object()) return Status::Error(source + ": the config must be a JSON object");
  Reader top(root, source + ": ");
  std::string mode = std::string(ToString(c.mode));
  top.Get("mode", mode);
  top.Get("zones", c.zones);
  top.Get("sensors", c.sensors);
  top.Get("policy", c.policy);
  top.Get("store", c.store);
  top.Get("operators", c.operators);
  top.Get("sender", c.sender);
  json unused;
  for (const char* s : {"http", "ingest", "mqtt", "clock", "live"}) top.Get(s, unused);
  if (Status s = top.Finish(); !s.ok()) return s;
  if (mode == "live") c.mode = Mode::kLive;
  else if (mode == "exercise") c.mode = Mode::kExercise;
  else return Status::Error(source + ": mode: \"" + mode + "\" is neither \"live\" nor \"exercise\"");

  if (Status s = Section(root, "http", source, [&](Reader& r) {
        r.Get("address", c.http_address);
        r.Get("port", c.http_port);
        r.Get("web_dir", c.web_dir);
        r.Get("alerts_in_ua_tokens", c.alerts_in_ua_tokens);
      }); !s.ok())
    return s;
  json sources = json::array();
  if (Status s = Section(root, "ingest", source, [&](Reader& r) {
        r.Get("address", c.ingest_address);
        r.Get("tcp_port", c.tcp_port);
        r.Get("udp_port", c.udp_port);
        r.Get("tls_port", c.tls_port);
        r.Get("tls_cert", c.tls_cert);
        r.Get("tls_key", c.tls_key);
        r.Get("tls_ca", c.tls_ca);
        r.Get("asterix_port", c.asterix_port);
        r.Get("asterix_sources", sources);
        r.Get("sapient_port", c.sapient_port);
        json nodes;
        r.Get("sapient_nodes", nodes);
        if (!nodes.is_null()) c.sapient_nodes_json = nodes.dump();
        r.Get("asterix_allowed_sources", c.asterix_allowed_sources);
        r.Get("keys", c.keys);
        r.Get("allow_unauthenticated", c.allow_unauthenticated);
        r.Get("replay_window_s", c.replay_window_s);
        r.Get("max_line_bytes", c.max_line_bytes);
        r.Get("max_connections", c.max_connections);
        r.Get("auth_timeout_s", c.auth_timeout_s);
        r.Get("idle_timeout_s", c.idle_timeout_s);
      }); !s.ok())
    return s;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const json& a = sources[i];
    if (!a.is_object() || !a.contains("sac") || !a.contains("sic") || !a.contains("sensor") ||
        !a["sac"].is_number_integer() || !a["sic"].is_number_integer() || !a["sensor"].is_string())
      return Status::Error(source + ": ingest.asterix_sources[" + std::to_string(i) +
                           "]: needs {\"sac\": int, \"sic\": int, \"sensor\": \"<sensor id>\"}");
    c.asterix_sources.push_back({a["sac"].get<int>(), a["sic"].get<int>(), a["sensor"].get<std::string>()});
  }
  if (Status s = Section(root, "mqtt", source, [&](Reader& r) {
        r.Get("host", c.mqtt_host);
        r.Get("port", c.mqtt_port);
        r.Get("prefix", c.mqtt_prefix);
      }); !s.ok())
    return s;
  std::optional<double> start;
  if (Status s = Section(root, "clock", source, [&](Reader& r) {
        double v = 0;
        if (r.obj().contains("start")) {
          r.Get("start", v);
          start = v;
        } else {
          r.Get("start", v);
        }
        r.Get("rate", c.clock_rate);
      }); !s.ok())
    return s;
  if (start) c.clock_start = start;
  double retention_h = c.live.report_retention_s / 3600.0;
  if (Status s = Section(root, "live", source, [&](Reader& r) {
        r.Get("queue_capacity", c.live.queue_capacity);
        r.Get("sensor_stale_after_s", c.live.sensor_stale_after_s);
        r.Get("restore_window_s", c.live.restore_window_s);
        r.Get("report_retention_h", retention_h);
        r.Get("manual_default_duration_s", c.live.manual_default_duration_s);
        r.Get("manual_max_duration_s", c.live.manual_max_duration_s);
      }); !s.ok())
    return s;
  for (int p : {c.http_port, c.tcp_port, c.udp_port, c.tls_port, c.asterix_port, c.sapient_port, c.mqtt_port})
    if (p < -1 || p > 65535)
      return Status::Error(source + ": port " + std::to_string(p) + " is outside -1 (any free port), 0 (off) .. 65535");
  if (c.max_connections < 1)
    return Status::Error(source + ": ingest.max_connections must be >= 1 (open TCP/TLS connections per ingest port)");
  if (!(c.clock_rate > 0)) return Status::Error(source + ": clock.rate must be > 0");
  if (!(retention_h * 3600.0 > c.live.restore_window_s))
    return Status::Error(source + ": live.report_retention_h must keep more than live.restore_window_s of reports "
                         "(the restart re-runs them); raise it");
  c.live.report_retention_s = retention_h * 3600.0;
  if (c.tls_port && (c.tls_cert.empty() || c.tls_key.empty() || c.tls_ca.empty()))
    return Status::Error(source + ": ingest.tls_port needs tls_cert, tls_key and tls_ca (the CA that signs sensor certificates)");
  c.live.mode = c.mode;
  return c;
}

Result<ServeConfig> LoadServeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error(path + ": cannot open the config file; check the path given to --config");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseServeConfig(ss.str(), path);
}

}  // namespace tocsin::server
