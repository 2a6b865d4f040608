// tocsin demo: serve + feed a preset at 10x on the embedded defaults (server::RunDemo).
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "server/demo.h"

namespace tocsin::app {

void AddDemoCommand(CLI::App& app) {
  auto c = std::make_shared<server::DemoConfig>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Simulate a preset attack and play it into a live server at --speed x in EXERCISE mode, printing where to "
      "look: console, API, streams, CAP/HFC/alerts.in.ua feeds, operator tokens. Ctrl-C stops it.");
  cmd->add_option("--preset", c->preset, "attack preset (data/presets)")->capture_default_str();
  cmd->add_option("--seed", c->seed, "simulation seed")->capture_default_str();
  cmd->add_option("--speed", c->speed, "x real time")->capture_default_str();
  cmd->add_option("--http-port", c->http_port, "HTTP port of the console and API (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--dir", c->dir, "work folder (scenario, keys, operators, event store)")->capture_default_str();
  cmd->add_option("--web-dir", c->web_dir, "the built console (default: web/dist)");
  cmd->add_option("--mqtt-host", c->mqtt_host, "MQTT broker for siren topics (default: none)");
  cmd->add_flag("--exit-after-feed", c->exit_after_feed, "stop --linger seconds after the last report (tests)");
  cmd->add_option("--linger", c->linger_s, "with --exit-after-feed: seconds served after the feed")
      ->capture_default_str();
  cmd->callback([c] { ExitCode() = server::RunDemo(*c, std::cout, std::cerr); });
}

}  // namespace tocsin::app
