// `tocsin demo`: the README's main command. Simulates a preset attack (once, cached
// in the work folder), starts `tocsin serve` on the embedded defaults in EXERCISE mode
// with a scenario clock running at `speed` x, feeds the preset's reports into it over
// authenticated TCP at the same pace, and prints where to look (console, API, feeds,
// operator tokens). Runs until Ctrl-C (or, with exit_after_feed, `linger_s` after the
// last report).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace tocsin::server {

struct DemoConfig {
  std::string preset = "odesa-drones";
  std::uint64_t seed = 1;
  double speed = 10.0;
  std::string http_address = "127.0.0.1";
  int http_port = 8080;
  std::string dir = "tocsin-demo";  // work folder: scenario, keys, operators, event store
  std::string web_dir;              // empty: the built console
  std::string mqtt_host;            // empty: no MQTT
  int mqtt_port = 1883;
  bool exit_after_feed = false;
  double linger_s = 30;             // with exit_after_feed: seconds served after the last report
};

// Exit code 0 ok, 1 bad input, 2 runtime error.
int RunDemo(const DemoConfig& config, std::ostream& out, std::ostream& err);

}  // namespace tocsin::server
