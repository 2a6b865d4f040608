// tocsin serve: the live daemon (server::RunServe); options override the config file.
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "server/service.h"

namespace tocsin::app {

namespace {
struct ServeOptions {
  std::string config_file, mode, zones, sensors, policy, store, operators, keys, web_dir, mqtt_host;
  std::optional<int> http_port, tcp_port, udp_port, asterix_port, sapient_port;
  std::optional<double> clock_start;
  double clock_rate = 0;
  bool allow_unauthenticated = false, no_store = false;
};
}  // namespace

void AddServeCommand(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the live early-warning server: sensor ingest (JSON lines over TCP/UDP/TLS with HMAC, ASTERIX, SAPIENT), "
      "tracking and alerting, the HTTP API and console, SSE/WebSocket streams, CAP/HFC/alerts.in.ua feeds, MQTT, "
      "durable event log. Settings: docs/serve.md. Exit status: 0 stopped cleanly, 1 bad configuration, 2 error.");
  cmd->add_option("--config", o->config_file, "JSON config file (docs/serve.md); without one, the documented defaults");
  cmd->add_option("--mode", o->mode, "live or exercise");
  cmd->add_option("--zones", o->zones, "zone catalog name or path");
  cmd->add_option("--sensors", o->sensors, "sensors.json (spec/sensor-reports.md)");
  cmd->add_option("--policy", o->policy, "alert policy file (docs/policy.md)");
  cmd->add_option("--store", o->store, "SQLite event log path");
  cmd->add_flag("--no-store", o->no_store, "keep decisions in memory only (not durable; tests)");
  cmd->add_option("--operators", o->operators, "operators file (names, roles, token hashes)");
  cmd->add_option("--keys", o->keys, "per-sensor HMAC key file (docs/ingest-auth.md)");
  cmd->add_flag("--allow-unauthenticated", o->allow_unauthenticated,
                "accept JSON lines without a MAC (closed test networks only)");
  cmd->add_option("--http-port", o->http_port, "HTTP port (API, streams, feeds, console)");
  cmd->add_option("--tcp-port", o->tcp_port, "JSON lines TCP ingest port (0: off)");
  cmd->add_option("--udp-port", o->udp_port, "JSON lines UDP ingest port (0: off)");
  cmd->add_option("--asterix-port", o->asterix_port, "ASTERIX UDP port (0: off)");
  cmd->add_option("--sapient-port", o->sapient_port, "SAPIENT TCP port (0: off)");
  cmd->add_option("--web-dir", o->web_dir, "the built console (web/dist)");
  cmd->add_option("--mqtt-host", o->mqtt_host, "MQTT broker for sirens (empty: off)");
  cmd->add_option("--clock-start", o->clock_start, "run on a scenario clock starting at this Unix time (exercises)");
  cmd->add_option("--clock-rate", o->clock_rate, "scenario clock rate (x real time)");
  cmd->callback([o] {
    server::ServeConfig c;
    if (!o->config_file.empty()) {
      auto loaded = server::LoadServeConfig(o->config_file);
      if (!loaded.ok()) {
        std::cerr << "tocsin serve: " << loaded.status().message() << "\n";
        ExitCode() = 1;
        return;
      }
      c = std::move(loaded).value();
    }
    if (o->mode == "live") c.mode = server::Mode::kLive;
    else if (o->mode == "exercise") c.mode = server::Mode::kExercise;
    else if (!o->mode.empty()) {
      std::cerr << "tocsin serve: --mode must be live or exercise\n";
      ExitCode() = 1;
      return;
    }
    c.live.mode = c.mode;
    for (auto [from, to] : {std::pair{&o->zones, &c.zones}, {&o->sensors, &c.sensors}, {&o->policy, &c.policy},
                            {&o->store, &c.store}, {&o->operators, &c.operators}, {&o->keys, &c.keys},
                            {&o->web_dir, &c.web_dir}, {&o->mqtt_host, &c.mqtt_host}})
      if (!from->empty()) *to = *from;
    if (o->no_store) c.store.clear();
    if (o->allow_unauthenticated) c.allow_unauthenticated = true;
    if (o->http_port) c.http_port = *o->http_port;
    if (o->tcp_port) c.tcp_port = *o->tcp_port;
    if (o->udp_port) c.udp_port = *o->udp_port;
    if (o->asterix_port) c.asterix_port = *o->asterix_port;
    if (o->sapient_port) c.sapient_port = *o->sapient_port;
    if (o->clock_start) c.clock_start = o->clock_start;
    if (o->clock_rate > 0) c.clock_rate = o->clock_rate;
    ExitCode() = server::RunServe(c, std::cout, std::cerr);
  });
}

}  // namespace tocsin::app
