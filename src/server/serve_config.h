// Settings of `tocsin serve`: one JSON file (docs/serve.md documents every key and
// its default); the server runs with none. Command-line options override the file.
//
// Units: seconds, bytes, TCP/UDP port numbers (0 = off for inputs; -1 = any free
// port, for tests and the demo). Thread-safety: plain data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/live_core.h"

namespace tocsin::server {

struct AsterixSource {
  int sac = 0, sic = 0;
  std::string sensor;  // sensor id in the sensors file
};

struct ServeConfig {
  Mode mode = Mode::kLive;
  std::string zones;    // catalog name or path; empty: the default catalog
  std::string sensors;  // sensors.json (spec/sensor-reports.md); empty: no sensor is accepted
  std::string policy;   // alert policy file; empty: embedded defaults
  std::string store = "tocsin-events.db";  // SQLite event log; "" or ":memory:": not durable
  std::string operators;  // operators file (names, roles, token hashes); empty: no operator API
  std::string sender = "tocsin@localhost";  // CAP sender

  // HTTP API, streams, feeds and the console.
  std::string http_address = "127.0.0.1";
  int http_port = 8080;
  std::string web_dir;  // the built console (web/dist); empty: the installed/compiled default
  std::vector<std::string> alerts_in_ua_tokens;  // Bearer tokens for /v1/alerts/active.json; empty: open

  // Ingest.
  std::string ingest_address = "127.0.0.1";
  int tcp_port = 7001;      // JSON lines over TCP
  int udp_port = 7002;      // JSON lines over UDP
  int tls_port = 0;         // JSON lines over TLS with client certificates
  std::string tls_cert, tls_key, tls_ca;
  int asterix_port = 0;     // ASTERIX CAT048/CAT062 over UDP
  std::vector<AsterixSource> asterix_sources;
  int sapient_port = 0;     // SAPIENT framed protobuf over TCP
  std::string sapient_nodes_json = "{\"nodes\":{}}";  // node_id -> sensor (see ingest/sapient/node_config.h)
  std::vector<std::string> asterix_allowed_sources;  // sender IPs accepted on asterix_port; empty: any
  std::string keys;         // per-sensor HMAC keys file; required unless allow_unauthenticated
  bool allow_unauthenticated = false;
  double replay_window_s = 30;
  std::size_t max_line_bytes = 65536;
  // TCP/TLS ingest listeners (JSON lines, SAPIENT), each: open connections at most;
  // a connection with no accepted report within auth_timeout_s of connecting, or no
  // complete line/frame for idle_timeout_s, is closed (<= 0: no such timeout).
  std::size_t max_connections = 1024;
  double auth_timeout_s = 10;
  double idle_timeout_s = 900;

  // MQTT for sirens; empty host: off.
  std::string mqtt_host;
  int mqtt_port = 1883;
  std::string mqtt_prefix = "tocsin";

  // Clock: wall clock, or (demos, exercises) a scenario time running at `clock_rate`.
  std::optional<double> clock_start;
  double clock_rate = 1.0;

  LiveOptions live;
};

// Reads a config file. Unknown keys and wrong types are errors naming the key.
Result<ServeConfig> LoadServeConfig(const std::string& path);
// Applies the JSON object `text` on top of `base` (same rules). For tests.
Result<ServeConfig> ParseServeConfig(const std::string& text, const std::string& source, ServeConfig base = {});

}  // namespace tocsin::server
